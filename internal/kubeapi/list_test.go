package kubeapi

import (
	"math/rand"
	"reflect"
	"sort"
	"testing"
)

// TestFindingListSort: a FindingList reads back the findings appended,
// and sorts them as a stable sort by file and line of the Finding values
// does, files appearing in several runs included.
func TestFindingListSort(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	files := []string{"b.yaml", "a.yaml", "kube:ctx/x", "a/b.yaml", "a-b.yaml"}
	var fs []Finding
	for i := 0; i < 2*chunkSize+17; i++ { // three chunks
		fs = append(fs, Finding{
			Rule: []string{RuleRemovedAPI, RuleDuplicateKey}[r.Intn(2)], Severity: Error,
			File: files[r.Intn(len(files))], Line: r.Intn(20), Column: r.Intn(3),
			Namespace: []string{"", "ns"}[r.Intn(2)], Name: string(rune('a' + r.Intn(26))),
			Message: "m", DeprecatedIn: Version{1, r.Intn(3)}, Fixable: r.Intn(2) == 0,
		})
	}
	l := ListOf(fs)
	if got := l.Slice(); !reflect.DeepEqual(got, fs) {
		t.Fatal("the list does not read back what was appended")
	}
	want := append([]Finding{}, fs...)
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].File != want[j].File {
			return want[i].File < want[j].File
		}
		return want[i].Line < want[j].Line
	})
	l.Sort()
	if got := l.Slice(); !reflect.DeepEqual(got, want) {
		t.Fatal("Sort differs from a stable sort by file and line")
	}
	var empty *FindingList
	if empty.Len() != 0 || (&FindingList{}).Slice() != nil {
		t.Error("an empty list is not empty")
	}
}
