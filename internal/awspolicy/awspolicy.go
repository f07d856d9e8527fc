// Package awspolicy checks least privilege: it finds the AWS operations a
// package's source calls through aws-sdk-go-v2 and reads the actions an IAM
// policy document allows, so that a test in each package that calls AWS can
// hold the two together (docs/iam-policy*.json).
package awspolicy

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sdkPrefix is the import path of the SDK's service packages.
const sdkPrefix = "github.com/aws/aws-sdk-go-v2/service/"

// Calls scans the non-test Go files of dir for AWS operations of the given
// services (SDK import path → IAM prefix, as "ec2"). Every SDK operation
// takes a *pkg.OpInput and every paginator is made by pkg.NewOpPaginator,
// so an operation shows as an OpInput literal or a NewOpPaginator call.
// The result maps "prefix:Op" to the places that call it. Problems are an
// SDK service imported but not in services, and calls passing nil as the
// input (which would hide their operation from the scan).
func Calls(dir string, services map[string]string) (calls map[string][]string, problems []string, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, nil, err
	}
	fset := token.NewFileSet()
	calls = map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, nil, err
		}
		imports := map[string]string{} // local name → IAM prefix
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			prefix, ok := services[path]
			if !ok {
				if strings.HasPrefix(path, sdkPrefix) && !strings.HasSuffix(path, "/types") {
					problems = append(problems, fmt.Sprintf("%s imports %s, which the policy check does not map", name, path))
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
		add := func(prefix, name string, at token.Pos) {
			calls[prefix+":"+name] = append(calls[prefix+":"+name], fset.Position(at).String())
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if prefix, typ, ok := op(n.Type); ok {
					if name, ok := strings.CutSuffix(typ, "Input"); ok && name != "" {
						add(prefix, name, n.Pos())
					}
				}
			case *ast.CallExpr:
				if prefix, fn, ok := op(n.Fun); ok {
					if name, ok := strings.CutPrefix(fn, "New"); ok && strings.HasSuffix(name, "Paginator") {
						add(prefix, strings.TrimSuffix(name, "Paginator"), n.Pos())
					}
				}
				// client.Op(ctx, nil): SDK operations are exported methods.
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && ast.IsExported(sel.Sel.Name) && len(n.Args) >= 2 {
					if id, ok := n.Args[1].(*ast.Ident); ok && id.Name == "nil" {
						if c, ok := n.Args[0].(*ast.Ident); ok && c.Name == "ctx" {
							problems = append(problems, fmt.Sprintf("%s: an SDK call with a nil input hides its operation from the policy check; pass &pkg.OpInput{}", fset.Position(n.Pos())))
						}
					}
				}
			}
			return true
		})
	}
	return calls, problems, nil
}

// Policy is an IAM policy document's allowed actions, by statement Sid.
type Policy struct {
	// Actions maps each allowed action to the Sid of its statement.
	Actions map[string]string
}

// Read reads an IAM policy document. Problems are a statement that does
// not allow and an action listed twice.
func Read(path string) (*Policy, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid    string
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &Policy{Actions: map[string]string{}}
	var problems []string
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			problems = append(problems, fmt.Sprintf("%s: statement %q has effect %q, want Allow", path, s.Sid, s.Effect))
		}
		for _, a := range s.Action {
			if _, dup := p.Actions[a]; dup {
				problems = append(problems, fmt.Sprintf("%s lists %s twice", path, a))
			}
			p.Actions[a] = s.Sid
		}
	}
	return p, problems, nil
}
