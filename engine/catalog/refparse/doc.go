// Package refparse reads the Double-Take 7.1 Reference Guide (plain-text
// copy in engine/catalog/testdata) and extracts the vocabulary the catalog's
// data files hold: event messages (chapter 6), error codes (chapter 5), SNMP
// traps (chapter 10), status enumerations (chapters 3, 4 and 10), the
// replication service view's fields (chapter 4), counters and settings.
//
// The extraction tool (engine/catalog/extract) uses it to produce the data
// files once; the catalog's tests use it again to prove the committed,
// hand-reviewed files still say what the reference says.
//
// The text is a conversion of a paginated document: paragraphs are separated
// by blank lines, a page break can split one paragraph in two, and bullets
// sometimes carry stray indentation or a lone trailing "-". The parsers
// repair exactly those artefacts and fail loudly on anything else, so a
// changed reference shows up as an error rather than as silently wrong data.
package refparse
