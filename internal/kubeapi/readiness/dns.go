package readiness

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/kubeapi"
)

// externalDNS is what the input says about external-dns
// (https://kubernetes-sigs.github.io/external-dns/latest/docs/flags/).
type externalDNS struct {
	found   bool
	sources map[string]bool // --source values; nil means not known
	domains []string        // --domain-filter values
}

func (ix *index) findExternalDNS() externalDNS {
	var e externalDNS
	for _, w := range ix.workloads {
		if !w.runs("external-dns") {
			continue
		}
		e.found = true
		for _, a := range w.args() {
			if v, ok := flagValue(a, "--source"); ok {
				if e.sources == nil {
					e.sources = map[string]bool{}
				}
				e.sources[v] = true
			}
			if v, ok := flagValue(a, "--domain-filter"); ok {
				e.domains = append(e.domains, strings.Split(v, ",")...)
			}
		}
	}
	return e
}

// flagValue reads "--name=value".
func flagValue(arg, name string) (string, bool) {
	v, ok := strings.CutPrefix(arg, name+"=")
	return strings.TrimSpace(v), ok
}

// runs reports a workload whose name or image names the component.
func (w *workload) runs(component string) bool {
	if strings.Contains(strings.ToLower(w.name), component) {
		return true
	}
	for _, img := range w.images() {
		if strings.Contains(img, component) {
			return true
		}
	}
	return false
}

func (e externalDNS) publishes(source string) bool { return e.sources == nil || e.sources[source] }

func (e externalDNS) covers(host string) bool {
	if len(e.domains) == 0 {
		return true
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "*."), ".")
	for _, d := range e.domains {
		d = strings.TrimSuffix(strings.TrimSpace(d), ".")
		if d == "" || host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// externalDNSRule: moving to new load balancers changes their DNS names;
// records follow only when external-dns publishes them. Its ingress source
// reads an Ingress's rules' hosts without any annotation; a Service's
// hostname comes only from the annotation
// (https://kubernetes-sigs.github.io/external-dns/latest/docs/sources/service/).
func (ix *index) externalDNSRule() []issue {
	if !ix.onAWS() && ix.t.Ingress == "" {
		return nil
	}
	e := ix.findExternalDNS()
	var out []issue
	check := func(o *object, source string, hosts []string, at *yaml.Node) {
		if len(hosts) == 0 {
			return
		}
		n := first(o.annotationNode(annExternalDNSHostname), at, keyNode(o.doc.Node, "spec"))
		list := strings.Join(hosts, ", ")
		switch {
		case !e.found:
			out = append(out, issue{Finding: o.finding(RuleExternalDNSHostname, kubeapi.Warning, n, fmt.Sprintf(
				"%s: no external-dns in the input, so the DNS records will keep pointing at the old load balancer; run external-dns (--source=%s, with an IAM role for Route 53) or move the records by hand at cutover",
				list, source))})
		case !e.publishes(source):
			out = append(out, issue{Finding: o.finding(RuleExternalDNSHostname, kubeapi.Warning, n, fmt.Sprintf(
				"%s: external-dns runs without --source=%s, so these records will not follow the new load balancer", list, source))})
		default:
			var outside []string
			for _, h := range hosts {
				if !e.covers(h) {
					outside = append(outside, h)
				}
			}
			if len(outside) > 0 {
				out = append(out, issue{Finding: o.finding(RuleExternalDNSHostname, kubeapi.Warning, n, fmt.Sprintf(
					"%s: outside external-dns's --domain-filter (%s), so these records will not follow the new load balancer",
					strings.Join(outside, ", "), strings.Join(e.domains, ",")))})
			}
		}
	}
	for _, ing := range ix.ingresses {
		hosts := append([]string(nil), ing.hosts...)
		for _, h := range splitHosts(ing.annotation(annExternalDNSHostname)) {
			if !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
		check(&ing.object, "ingress", hosts, ing.hostNode)
	}
	for _, svc := range ix.lbServices {
		check(svc, "service", splitHosts(svc.annotation(annExternalDNSHostname)), nil)
	}
	return out
}

func splitHosts(s string) []string {
	var out []string
	for _, h := range strings.Split(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
