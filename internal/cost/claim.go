package cost

import (
	"fmt"

	"github.com/refit-dev/refit/internal/estate"
)

// claims prices PersistentVolumeClaims as EBS volumes (ebs.go) of their
// class's type.
func (p *pricer) claims(e *estate.Estate) {
	classes := map[string]estate.StorageClass{}
	defaultClass := ""
	for _, sc := range e.StorageClasses {
		classes[sc.Name] = sc
		if sc.Default {
			defaultClass = sc.Name
		}
	}
	for _, c := range e.Claims {
		name := c.StorageClass
		if name == "" {
			name = defaultClass
		}
		typ := ""
		if sc, ok := classes[name]; ok {
			if sc.EBSType == "" {
				p.note("claim %s/%s uses storage class %s, which is not EBS: not priced", c.Namespace, c.Name, name)
				continue
			}
			typ = sc.EBSType
		} else if _, ok := ebsStorageItem[name]; ok {
			typ = name // classes named after their type, such as EKS's "gp2"
		} else {
			typ = p.opt.Usage.Storage.DefaultVolumeType
			shown := name
			if shown == "" {
				shown = "(default)"
			}
			p.assume("storage class %s is not in the input: its claims are priced as %s (storage.defaultVolumeType)", shown, typ)
		}
		n := c.Count
		if n <= 0 {
			n = 1
		}
		v := estate.Volume{Name: c.Namespace + "/" + c.Name, Type: typ, SizeGiB: c.SizeGiB, Count: n, Purpose: "pvc", Origin: c.Origin}
		p.volume(v, fmt.Sprintf("claim %s/%s: %d × %g GiB %s", c.Namespace, c.Name, n, c.SizeGiB, typ))
	}
}
