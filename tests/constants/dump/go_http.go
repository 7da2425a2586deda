// Prints Go's net/http status constants as JSON: every exported constant of the type-checked package whose
// name starts with "Status" and whose value is a status code, with http.StatusText for its code. A constant
// whose doc comment has a "Deprecated:" paragraph is listed as deprecated.
package main

import (
	"encoding/json"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

type entry struct {
	Code       int      `json:"code"`
	Names      []string `json:"names"`
	Deprecated []string `json:"deprecated"`
	Phrase     *string  `json:"phrase"`
}

func main() {
	fset := token.NewFileSet()
	pkg, err := importer.ForCompiler(fset, "source", nil).Import("net/http")
	if err != nil {
		panic(err)
	}
	deprecated := map[string]bool{}
	dir := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	files, err := parser.ParseDir(fset, dir, nil, parser.ParseComments)
	if err != nil {
		panic(err)
	}
	for _, p := range files {
		for _, f := range p.Files {
			for _, decl := range f.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.CONST {
					continue
				}
				for _, spec := range gen.Specs {
					vs := spec.(*ast.ValueSpec)
					doc := vs.Doc.Text() + vs.Comment.Text()
					if strings.Contains(doc, "Deprecated:") {
						for _, n := range vs.Names {
							deprecated[n.Name] = true
						}
					}
				}
			}
		}
	}
	byCode := map[int]*entry{}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok || !c.Exported() || !strings.HasPrefix(name, "Status") || c.Val().Kind() != constant.Int {
			continue
		}
		v, exact := constant.Int64Val(c.Val())
		if !exact || v < 100 || v > 999 {
			continue
		}
		code := int(v)
		e := byCode[code]
		if e == nil {
			e = &entry{Code: code, Names: []string{}, Deprecated: []string{}}
			if text := http.StatusText(code); text != "" {
				e.Phrase = &text
			}
			byCode[code] = e
		}
		if deprecated[name] {
			e.Deprecated = append(e.Deprecated, name)
		} else {
			e.Names = append(e.Names, name)
		}
	}
	for code := 100; code <= 999; code++ {
		if text := http.StatusText(code); text != "" && byCode[code] == nil {
			byCode[code] = &entry{Code: code, Names: []string{}, Deprecated: []string{}, Phrase: &text}
		}
	}
	out := []*entry{}
	for _, e := range byCode {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"version": strings.TrimPrefix(runtime.Version(), "go"),
		"entries": out,
	})
}
