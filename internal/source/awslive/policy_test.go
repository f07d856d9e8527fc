package awslive

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

// sdkService maps the SDK packages this package calls to IAM action prefixes.
var sdkService = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/ec2":                    "ec2",
	"github.com/aws/aws-sdk-go-v2/service/eks":                    "eks",
	"github.com/aws/aws-sdk-go-v2/service/elasticbeanstalk":       "elasticbeanstalk",
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing":   "elasticloadbalancing",
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2": "elasticloadbalancing",
	"github.com/aws/aws-sdk-go-v2/service/rds":                    "rds",
	"github.com/aws/aws-sdk-go-v2/service/sts":                    "sts",
}

// calledActions scans the package's source for AWS operations. Every SDK
// operation takes a *pkg.OpInput and every paginator is built by
// pkg.NewOpPaginator, so an operation shows as an OpInput literal or a
// NewOpPaginator call on an SDK service package. A call passing nil for
// the input would hide from this scan; it fails the test instead.
func calledActions(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		imports := map[string]string{} // local name → IAM prefix
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			prefix, ok := sdkService[path]
			if !ok {
				if strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") && !strings.HasSuffix(path, "/types") {
					t.Errorf("%s imports %s: add it to sdkService", name, path)
				}
				continue
			}
			local := filepath.Base(path)
			if imp.Name != nil {
				local = imp.Name.Name
			}
			imports[local] = prefix
		}
		op := func(x ast.Expr) (string, string, bool) {
			sel, ok := x.(*ast.SelectorExpr)
			if !ok {
				return "", "", false
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return "", "", false
			}
			prefix, ok := imports[id.Name]
			return prefix, sel.Sel.Name, ok
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if prefix, typ, ok := op(n.Type); ok {
					if name, ok := strings.CutSuffix(typ, "Input"); ok {
						found[prefix+":"+name] = append(found[prefix+":"+name], fset.Position(n.Pos()).String())
					}
				}
			case *ast.CallExpr:
				if prefix, fn, ok := op(n.Fun); ok {
					if name, ok := strings.CutPrefix(fn, "New"); ok && strings.HasSuffix(name, "Paginator") {
						name = strings.TrimSuffix(name, "Paginator")
						found[prefix+":"+name] = append(found[prefix+":"+name], fset.Position(n.Pos()).String())
					}
				}
				if len(n.Args) >= 2 {
					if id, ok := n.Args[1].(*ast.Ident); ok && id.Name == "nil" {
						if c, ok := n.Args[0].(*ast.Ident); ok && c.Name == "ctx" {
							t.Errorf("%s: an SDK call with a nil input hides its operation from the policy check; pass &pkg.OpInput{}", fset.Position(n.Pos()))
						}
					}
				}
			}
			return true
		})
	}
	return found
}

// TestIAMPolicy checks docs/iam-policy.json allows exactly the operations
// the package calls, all of them read-only.
func TestIAMPolicy(t *testing.T) {
	called := calledActions(t)
	if len(called) == 0 {
		t.Fatal("found no AWS operation in the source")
	}
	data, err := os.ReadFile("../../../docs/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(data, &policy); err != nil {
		t.Fatalf("docs/iam-policy.json: %v", err)
	}
	allowed := map[string]bool{}
	for _, s := range policy.Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement effect %q, want Allow", s.Effect)
		}
		for _, a := range s.Action {
			if allowed[a] {
				t.Errorf("docs/iam-policy.json lists %s twice", a)
			}
			allowed[a] = true
		}
	}
	var names []string
	for a := range called {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		if !allowed[a] {
			t.Errorf("%s is called (%s) but not in docs/iam-policy.json", a, strings.Join(called[a], ", "))
		}
	}
	for a := range allowed {
		if called[a] == nil {
			t.Errorf("docs/iam-policy.json allows %s, which the code never calls", a)
		}
		op := a[strings.Index(a, ":")+1:]
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			t.Errorf("%s is not a read-only operation", a)
		}
	}
}
