package convert

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PodSecurityPolicy has no replacement API: Pod Security Admission enforces
// one of three Pod Security Standards per namespace, chosen with the label
// pod-security.kubernetes.io/enforce. reportPSP leaves the object alone and
// reports the most restrictive level that still admits every pod the policy
// admitted, decided field by field with the mapping in
// https://kubernetes.io/docs/reference/access-authn-authz/psp-to-pod-security-standards/
// (levels: https://kubernetes.io/docs/concepts/security/pod-security-standards/).
//
// One deliberate leniency: seLinux rule RunAsAny lets pods set SELinux
// user/role/type, which baseline forbids, but almost every PSP (including
// the upstream "restricted" example) uses it and pods rarely set those
// options, so it does not force "privileged"; the message mentions it.

// baselineCaps are the capabilities baseline allows to add.
var baselineCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

// restrictedVolumes are the volume types restricted allows.
var restrictedVolumes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
	"persistentVolumeClaim", "projected", "secret"}

func init() { reports["psp"] = reportPSP } // data/apis.yaml: report: psp

func reportPSP(c *ctx, from string) error {
	removed := c.api.RemovedIn
	name := str(mapping(c.obj, "metadata"), "name")
	spec := mapping(c.obj, "spec")
	level, notBaseline, notRestricted, caveats := pspLevel(mapping(mapping(c.obj, "metadata"), "annotations"), spec)
	var why string
	switch level {
	case "privileged":
		why = "it allows " + joinAnd(notBaseline)
	case "baseline":
		why = "not restricted because " + joinAnd(notRestricted)
	default:
		why = "it meets every restricted requirement"
	}
	if len(caveats) > 0 {
		why += "; note: " + strings.Join(caveats, "; ")
	}
	c.unconvertedf("PodSecurityPolicy %s has no replacement (%s was removed in %s): the Pod Security Admission level matching it is %q (%s); label the namespaces whose pods it admitted with pod-security.kubernetes.io/enforce: %s",
		name, from, removed, level, why, level)
	return nil
}

// pspLevel decides privileged / baseline / restricted.
func pspLevel(ann, spec *yaml.Node) (level string, notBaseline, notRestricted, caveats []string) {
	truthy := func(k string) bool { return str(spec, k) == "true" }
	list := func(m *yaml.Node, k string) []string {
		var out []string
		for _, n := range seq(m, k) {
			if n.Kind == yaml.ScalarNode {
				out = append(out, n.Value)
			}
		}
		return out
	}

	// Baseline.
	for _, k := range []string{"privileged", "hostNetwork", "hostPID", "hostIPC"} {
		if truthy(k) {
			notBaseline = append(notBaseline, k)
		}
	}
	if len(seq(spec, "hostPorts")) > 0 {
		notBaseline = append(notBaseline, "hostPorts")
	}
	vols := list(spec, "volumes")
	for _, v := range vols {
		if v == "*" || v == "hostPath" {
			notBaseline = append(notBaseline, fmt.Sprintf("%s volumes", v))
		}
	}
	caps := append(list(spec, "allowedCapabilities"), list(spec, "defaultAddCapabilities")...)
	for _, cp := range caps {
		if !contains(baselineCaps, strings.TrimPrefix(strings.ToUpper(cp), "CAP_")) {
			notBaseline = append(notBaseline, "capability "+cp)
		}
	}
	if len(seq(spec, "allowedUnsafeSysctls")) > 0 {
		notBaseline = append(notBaseline, "unsafe sysctls")
	}
	for _, p := range list(spec, "allowedProcMountTypes") {
		if p != "Default" {
			notBaseline = append(notBaseline, "procMount "+p)
		}
	}
	se := mapping(spec, "seLinux")
	switch str(se, "rule") {
	case "MustRunAs":
		o := mapping(se, "seLinuxOptions")
		if str(o, "user") != "" || str(o, "role") != "" {
			notBaseline = append(notBaseline, "a custom SELinux user or role")
		}
		if t := str(o, "type"); t != "" && !contains([]string{"container_t", "container_init_t", "container_kvm_t"}, t) {
			notBaseline = append(notBaseline, "SELinux type "+t)
		}
	case "RunAsAny", "":
		caveats = append(caveats, "seLinux RunAsAny lets pods choose SELinux options, which baseline forbids")
	}
	profiles := func(key, what string) (bad []string, required bool) {
		v, ok := annotation(ann, key)
		if !ok {
			return nil, false
		}
		required = true
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			switch {
			case p == "":
				required = false
			case p == "runtime/default", p == "docker/default", strings.HasPrefix(p, "localhost/"):
			default:
				bad = append(bad, what+" profile "+p)
			}
		}
		return bad, required
	}
	seccompBad, seccompRequired := profiles("seccomp.security.alpha.kubernetes.io/allowedProfileNames", "seccomp")
	notBaseline = append(notBaseline, seccompBad...)
	appBad, _ := profiles("apparmor.security.beta.kubernetes.io/allowedProfileNames", "AppArmor")
	notBaseline = append(notBaseline, appBad...)
	if len(notBaseline) > 0 {
		return "privileged", notBaseline, nil, caveats
	}

	// Restricted.
	for _, v := range vols {
		if !contains(restrictedVolumes, v) {
			notRestricted = append(notRestricted, v+" volumes are allowed")
		}
	}
	if str(spec, "allowPrivilegeEscalation") != "false" {
		notRestricted = append(notRestricted, "allowPrivilegeEscalation is not false")
	}
	ru := mapping(spec, "runAsUser")
	switch str(ru, "rule") {
	case "MustRunAsNonRoot":
	case "MustRunAs":
		for _, r := range seq(ru, "ranges") {
			if str(r, "min") == "0" {
				notRestricted = append(notRestricted, "runAsUser allows root")
				break
			}
		}
	default:
		notRestricted = append(notRestricted, "runAsUser does not require non-root")
	}
	if !contains(list(spec, "requiredDropCapabilities"), "ALL") {
		notRestricted = append(notRestricted, "requiredDropCapabilities does not include ALL")
	}
	for _, cp := range caps {
		if strings.TrimPrefix(strings.ToUpper(cp), "CAP_") != "NET_BIND_SERVICE" {
			notRestricted = append(notRestricted, "capability "+cp+" may be added")
		}
	}
	if !seccompRequired {
		notRestricted = append(notRestricted, "it does not require the runtime/default seccomp profile")
	}
	if len(notRestricted) > 0 {
		return "baseline", nil, notRestricted, caveats
	}
	return "restricted", nil, nil, caveats
}

func annotation(ann *yaml.Node, key string) (string, bool) {
	i := keyIndex(ann, key)
	if i < 0 {
		return "", false
	}
	return resolve(ann.Content[i+1]).Value, true
}
