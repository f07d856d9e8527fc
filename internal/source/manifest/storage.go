package manifest

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/refit-dev/refit/internal/estate"
	"github.com/refit-dev/refit/internal/quantity"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// EBS provisioners and the volume type each uses when a StorageClass sets no
// parameters.type.
var ebsDefaultType = map[string]string{
	// aws-ebs-csi-driver: DefaultVolumeType = VolumeTypeGP3 in pkg/cloud/cloud.go;
	// https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
	"ebs.csi.aws.com": "gp3",
	// The in-tree plugin: DefaultVolumeType = "gp2" in
	// k8s.io/legacy-cloud-providers/aws/aws.go, and "Default: gp2" in
	// https://kubernetes.io/docs/concepts/storage/storage-classes/ (until the
	// AWS section was removed). Where CSI migration is on, the class is handed
	// to the CSI driver without a type, which would give gp3.
	"kubernetes.io/aws-ebs": "gp2",
}

// Default StorageClass annotations, GA and beta:
// https://kubernetes.io/docs/reference/labels-annotations-taints/#storageclass-kubernetes-io-is-default-class
var defaultClassAnnotations = []string{
	"storageclass.kubernetes.io/is-default-class",
	"storageclass.beta.kubernetes.io/is-default-class",
}

// legacyStorageClassAnnotation names a claim's class before
// spec.storageClassName existed; Kubernetes still honours it.
const legacyStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class"

// maxClaimGiB bounds a claim's size: 1 PiB, far above any EBS volume.
const maxClaimGiB = 1 << 20

// storageClass translates a StorageClass.
func (p *parser) storageClass(d yamldoc.Document) error {
	var sc struct {
		Metadata    meta              `yaml:"metadata"`
		Provisioner string            `yaml:"provisioner"`
		Parameters  map[string]string `yaml:"parameters"`
	}
	if err := decode(d, d.Node, &sc); err != nil {
		return err
	}
	out := estate.StorageClass{Name: sc.Metadata.Name, Origin: origin(d)}
	if def, ok := ebsDefaultType[sc.Provisioner]; ok {
		out.EBSType = def
		// EBS CSI parameters are case-insensitive (docs/parameters.md).
		for k, v := range sc.Parameters {
			if strings.EqualFold(k, "type") && v != "" {
				out.EBSType = strings.ToLower(v)
			}
		}
	}
	for _, a := range defaultClassAnnotations {
		if sc.Metadata.Annotations[a] == "true" {
			out.Default = true
		}
	}
	p.est.StorageClasses = append(p.est.StorageClasses, out)
	return nil
}

// claim translates a PersistentVolumeClaim.
func (p *parser) claim(d yamldoc.Document) error {
	var m struct {
		Metadata meta `yaml:"metadata"`
	}
	if err := decode(d, d.Node, &m); err != nil {
		return err
	}
	c, err := p.parseClaim(d, d.Node, m.Metadata.namespace(), describe(d, m.Metadata))
	if err != nil {
		return err
	}
	c.Count = 1
	p.est.Claims = append(p.est.Claims, c)
	return nil
}

// parseClaim reads a claim (a PVC, or a StatefulSet's volumeClaimTemplate at
// node n) in namespace ns.
func (p *parser) parseClaim(d yamldoc.Document, n *yaml.Node, ns, what string) (estate.Claim, error) {
	var pvc struct {
		Metadata meta `yaml:"metadata"`
		Spec     struct {
			StorageClassName *string `yaml:"storageClassName"`
			Resources        struct {
				Requests map[string]yaml.Node `yaml:"requests"`
			} `yaml:"resources"`
		} `yaml:"spec"`
	}
	if err := decode(d, n, &pvc); err != nil {
		return estate.Claim{}, err
	}
	c := estate.Claim{Namespace: ns, Name: pvc.Metadata.Name, Origin: originAt(d, n)}
	if pvc.Spec.StorageClassName != nil {
		c.StorageClass = *pvc.Spec.StorageClassName
	} else {
		c.StorageClass = pvc.Metadata.Annotations[legacyStorageClassAnnotation]
	}
	if n != d.Node { // a volumeClaimTemplate: name it
		what += " " + pvc.Metadata.Name
	}
	q, ok := pvc.Spec.Resources.Requests["storage"]
	if !ok || isNull(&q) {
		return c, originAt(d, n).Errorf("%s: no spec.resources.requests.storage", what)
	}
	if q.Kind != yaml.ScalarNode {
		return c, originAt(d, &q).Errorf("%s: storage request is not a quantity", what)
	}
	size, err := quantity.GiB(q.Value)
	if err == nil && size > maxClaimGiB {
		err = fmt.Errorf("quantity %q is out of range (at most %dPi)", q.Value, maxClaimGiB>>20)
	}
	if err != nil {
		return c, originAt(d, &q).Errorf("%s: storage request: %v", what, err)
	}
	c.SizeGiB = size
	return c, nil
}
