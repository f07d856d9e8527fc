package cost

import "github.com/refit-dev/refit/internal/estate"

// EBS snapshots: GB-months, standard or archive tier.
const (
	itemSnapshotStandard = "snapshot_standard_storage"
	itemSnapshotArchive  = "snapshot_archive_storage"
)

func (p *pricer) snapshots(e *estate.Estate) {
	for _, s := range e.Snapshots {
		item := itemSnapshotStandard
		if s.Archive {
			item = itemSnapshotArchive
		}
		if pr, ok := p.service(s.Origin, svcEBS, item); ok {
			p.add("snapshot "+s.Name, StorageSnapshots, num(s.SizeGiB), "GB-months", pr, s.Origin, "")
		}
	}
}
