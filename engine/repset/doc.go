// Package repset implements replication sets: a named root directory plus
// ordered Inc/Exc/Rec rules deciding which entries under the root are
// protected (reference chapter 4, "Replication sets").
//
// A rule's Path is relative to the root and slash-separated; each component
// may use the wildcards of path.Match (* ? [...] and \ escapes), a whole
// component "**" stands for any number of directories, and a trailing "/"
// restricts the rule to directories. A rule applies to the entries its Path
// names, to the direct entries of a named directory, and with Rec to
// everything below it; with Rec and a wildcard in the last component the
// wildcard also names entries in every subdirectory ("data/*.tmp" Rec covers
// data/x/y.tmp), as Double-Take users expect.
//
// When several rules apply the most specific wins: the one with more path
// components (not counting "**"), then the one whose last component has no
// wildcard; at equal specificity Exc wins over Inc. An entry no rule covers
// is not protected.
//
// A Set is safe for concurrent use: rule changes swap an immutable compiled
// table, so matching never takes a lock.
package repset
