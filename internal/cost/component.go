package cost

// Component is refit's one taxonomy of cost, shared by estimates and by
// billing so that the two line up.
type Component string

// The components, in the order reports list them.
const (
	ControlPlane     Component = "control-plane"
	ComputeOnDemand  Component = "compute/on-demand"
	ComputeSpot      Component = "compute/spot"
	ComputeFargate   Component = "compute/fargate"
	StorageEBS       Component = "storage/ebs"
	StorageSnapshots Component = "storage/snapshots"
	NATHours         Component = "network/nat-hours"
	NATData          Component = "network/nat-data"
	LoadBalancer     Component = "network/load-balancer"
	PublicIPv4       Component = "network/public-ipv4"
	DataTransfer     Component = "network/data-transfer"
	VPCEndpoint      Component = "network/vpc-endpoint"
	DNS              Component = "dns"
	Database         Component = "database"
	Other            Component = "other"
	// Billing adjustments, which only bills have (never estimates):
	// credits, refunds and discounts; tax; fees (support, reservation and
	// savings-plan fees, purchases).
	Credits Component = "credits"
	Tax     Component = "tax"
	Fees    Component = "fees"
)

// Components lists every component in report order.
var Components = []Component{
	ControlPlane, ComputeOnDemand, ComputeSpot, ComputeFargate,
	StorageEBS, StorageSnapshots,
	NATHours, NATData, LoadBalancer, PublicIPv4, VPCEndpoint, DataTransfer,
	DNS, Database, Other,
	Credits, Tax, Fees,
}

// Rank is the component's position in report order.
func (c Component) Rank() int {
	for i, x := range Components {
		if x == c {
			return i
		}
	}
	return len(Components)
}
