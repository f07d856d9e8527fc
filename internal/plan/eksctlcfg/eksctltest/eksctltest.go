// Package eksctltest loads an eksctl ClusterConfig the way eksctl itself
// does before it touches AWS, so that tests can prove refit writes configs
// eksctl accepts. Only tests import it: eksctl is not linked into refit.
package eksctltest

import (
	"fmt"

	api "github.com/weaveworks/eksctl/pkg/apis/eksctl.io/v1alpha5"
	sigsyaml "sigs.k8s.io/yaml"
)

// Load does what `eksctl create cluster -f` does with a config file
// before touching AWS, in eksctl v0.215.0:
//   - pkg/eks/api.go ParseConfig: strict decoding (unknown keys, wrong types);
//   - pkg/ctl/cmdutils/configfile.go NewCreateClusterLoader: metadata checks,
//     VPC, NAT and endpoint defaults;
//   - pkg/ctl/create/cluster.go doCreateCluster: the cluster name check;
//   - pkg/ctl/cmdutils/cmd.go InitializeClusterConfig: cluster defaults and
//     validation, then managed node group defaults and validation;
//   - pkg/ctl/cmdutils/fargate.go: Fargate profile validation;
//   - pkg/cfn/builder/vpc_ipv4.go addNATGateways: the NAT mode.
func Load(data []byte) (*api.ClusterConfig, error) {
	cfg := &api.ClusterConfig{}
	if err := sigsyaml.UnmarshalStrict(data, cfg); err != nil {
		return nil, err
	}
	if cfg.APIVersion != api.SchemeGroupVersion.String() || cfg.Kind != api.ClusterConfigKind {
		return nil, fmt.Errorf("apiVersion/kind = %s/%s", cfg.APIVersion, cfg.Kind)
	}
	if cfg.Metadata == nil || cfg.Metadata.Name == "" || cfg.Metadata.Region == "" {
		return nil, fmt.Errorf("metadata.name and metadata.region must be set")
	}
	if api.IsInvalidNameArg(cfg.Metadata.Name) {
		return nil, api.ErrInvalidName(cfg.Metadata.Name)
	}

	if cfg.VPC == nil {
		cfg.VPC = api.NewClusterVPC(cfg.IPv6Enabled())
	}
	if cfg.VPC.NAT == nil {
		cfg.VPC.NAT = api.DefaultClusterNAT()
	}
	if api.IsEmpty(cfg.VPC.NAT.Gateway) {
		*cfg.VPC.NAT.Gateway = api.ClusterSingleNAT
	}
	switch *cfg.VPC.NAT.Gateway {
	case api.ClusterHighlyAvailableNAT, api.ClusterSingleNAT, api.ClusterDisableNAT:
	default:
		return nil, fmt.Errorf("%s is not a valid NAT gateway mode", *cfg.VPC.NAT.Gateway)
	}
	api.SetClusterEndpointAccessDefaults(cfg.VPC)

	api.SetClusterConfigDefaults(cfg)
	if err := api.ValidateClusterConfig(cfg); err != nil {
		return nil, err
	}
	for i, ng := range cfg.ManagedNodeGroups {
		if err := api.SetManagedNodeGroupDefaults(ng, cfg.Metadata, cfg.IsControlPlaneOnOutposts()); err != nil {
			return nil, err
		}
		if err := api.ValidateManagedNodeGroup(i, ng); err != nil {
			return nil, err
		}
	}
	for _, p := range cfg.FargateProfiles {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}
