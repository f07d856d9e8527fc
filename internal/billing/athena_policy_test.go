package billing

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestAthenaIAMPolicy checks that docs/iam-policy-athena.json allows
// exactly the Athena operations this package calls. An operation shows in
// the source as an athena.OpInput literal or an athena.NewOpPaginator call.
// The Glue actions in the policy are the ones Athena performs on the
// caller's behalf; they are not called here and not checked.
func TestAthenaIAMPolicy(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	called := map[string]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		local := ""
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/aws/aws-sdk-go-v2/service/athena" {
				local = "athena"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		sel := func(x ast.Expr) string {
			if s, ok := x.(*ast.SelectorExpr); ok {
				if id, ok := s.X.(*ast.Ident); ok && id.Name == local {
					return s.Sel.Name
				}
			}
			return ""
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if op, ok := strings.CutSuffix(sel(n.Type), "Input"); ok && op != "" {
					called["athena:"+op] = fset.Position(n.Pos()).String()
				}
			case *ast.CallExpr:
				if op, ok := strings.CutPrefix(sel(n.Fun), "New"); ok && strings.HasSuffix(op, "Paginator") {
					called["athena:"+strings.TrimSuffix(op, "Paginator")] = fset.Position(n.Pos()).String()
				}
			}
			return true
		})
	}
	if len(called) == 0 {
		t.Fatal("found no Athena operation in the source")
	}
	data, err := os.ReadFile("../../docs/iam-policy-athena.json")
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal(data, &policy); err != nil {
		t.Fatalf("docs/iam-policy-athena.json: %v", err)
	}
	allowed := map[string]bool{}
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement effect %q, want Allow", s.Effect)
		}
		for _, a := range s.Action {
			allowed[a] = true
		}
	}
	var ops []string
	for op := range called {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		if !allowed[op] {
			t.Errorf("%s is called (%s) but not in docs/iam-policy-athena.json", op, called[op])
		}
	}
	for a := range allowed {
		if strings.HasPrefix(a, "athena:") && called[a] == "" {
			t.Errorf("docs/iam-policy-athena.json allows %s, which the code never calls", a)
		}
	}
}
