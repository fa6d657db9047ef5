package refparse

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

const (
	viewChapterTitle = "Chapter 4 Replication service view"
	viewChapterEnd   = "Chapter 5 "
)

// ViewFolders are the sections of chapter 4 that list the view's items, in
// the reference's order.
var ViewFolders = []string{
	"Root items",
	"Connections folder items",
	"Specific connection items",
	"Replication sets folder items",
	"Specific replication set items",
	"Target connection entries folder items",
	"Specific target connection items",
}

// viewEnums names the enumeration an item's bulleted values belong to, keyed
// by the item's name in lower case: the folders capitalise the same item
// differently ("Target Data State", "Target data state"). "Type" is the
// snapshot list's column and "Attributes" a replication set rule's.
var viewEnums = map[string]string{
	"target data state":  "Target Data State",
	"target status":      "Target Status",
	"transmit mode":      "Transmit Mode",
	"mirror status":      "Mirror Status",
	"replication status": "Replication Status",
	"usage type":         "Usage type",
	"compression":        "Compression",
	"type":               "Snapshot Type",
	"attributes":         "Replication set attributes",
}

// viewItem is one item of a folder with the values its bullets list.
type viewItem struct {
	folder, name, desc string
	values             []viewValue
}

// viewValue is one bullet: "**Mirror Required**—The data on the target ...".
type viewValue struct{ name, desc string }

// ParseView extracts every item of every folder of chapter 4, in the
// reference's order. An item whose values are an enumeration names it in
// Enum; its Description is the reference's sentence where it has one and
// otherwise lists the values the folder shows.
func ParseView(ref string) ([]catalog.ViewField, error) {
	items, err := viewParse(ref)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.ViewField, 0, len(items))
	for _, it := range items {
		f := catalog.ViewField{Folder: it.folder, Name: it.name, Description: it.desc}
		if len(it.values) > 0 {
			f.Enum = viewEnums[strings.ToLower(it.name)]
			if f.Description == "" {
				names := make([]string, len(it.values))
				for i, v := range it.values {
					names[i] = v.name
				}
				f.Description = "One of: " + strings.Join(names, ", ") + "."
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// viewParse reads the folders' items. Each item is its name, then a
// sentence, a bulleted list of values, or a sentence and a list.
func viewParse(ref string) ([]viewItem, error) {
	paras, err := chapterParas(ref, viewChapterTitle, viewChapterEnd)
	if err != nil {
		return nil, fmt.Errorf("refparse: view: %w", err)
	}
	isFolder := map[string]bool{}
	for _, f := range ViewFolders {
		isFolder[f] = true
	}
	var (
		out    []viewItem
		folder string
		seen   = map[string]bool{}
	)
	for i := 0; i < len(paras); {
		p := paras[i]
		i++
		switch {
		case isFolder[p]:
			if seen[p] {
				return nil, fmt.Errorf("refparse: view: folder %q twice", p)
			}
			seen[p], folder = true, p
			continue
		case folder == "":
			continue // the chapter's introduction
		case viewIsBullet(p):
			return nil, fmt.Errorf("refparse: view: %s: bullet %q outside an item", folder, p)
		}
		it := viewItem{folder: folder, name: p}
		if i < len(paras) && !viewIsBullet(paras[i]) && !isFolder[paras[i]] {
			it.desc = strings.ReplaceAll(paras[i], "**", "") // the conversion's bold marks
			i++
		}
		for i < len(paras) {
			q := paras[i]
			if q == "-" { // a list's stray closing dash
				i++
				continue
			}
			if viewIsBullet(q) {
				v, err := viewParseValue(q)
				if err != nil {
					return nil, fmt.Errorf("refparse: view: %s: %s: %w", folder, it.name, err)
				}
				it.values = append(it.values, v)
				i++
				continue
			}
			if len(it.values) > 0 && startsLower(q) { // a bullet a page break split
				it.values[len(it.values)-1].desc += " " + q
				i++
				continue
			}
			break
		}
		if it.desc == "" && len(it.values) == 0 {
			return nil, fmt.Errorf("refparse: view: %s: %s has no description", folder, it.name)
		}
		if len(it.values) > 0 && viewEnums[strings.ToLower(it.name)] == "" {
			return nil, fmt.Errorf("refparse: view: %s: %s lists values of no known enumeration", folder, it.name)
		}
		out = append(out, it)
	}
	for _, f := range ViewFolders {
		if !seen[f] {
			return nil, fmt.Errorf("refparse: view: folder %q not found", f)
		}
	}
	return out, nil
}

// viewIsBullet reports whether p is a list item.
func viewIsBullet(p string) bool { return strings.HasPrefix(p, "- ") }

// viewParseValue reads "- **OK**—The data ..." (some lists lack the bold).
func viewParseValue(p string) (viewValue, error) {
	s := strings.ReplaceAll(strings.TrimPrefix(p, "- "), "**", "")
	name, desc, ok := strings.Cut(s, "—")
	if !ok || strings.TrimSpace(name) == "" {
		return viewValue{}, fmt.Errorf("value without a name: %q", p)
	}
	return viewValue{name: strings.TrimSpace(name), desc: strings.TrimSpace(desc)}, nil
}
