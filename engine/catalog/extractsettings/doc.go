// Command extractsettings drafts data/settings.json from chapter 11 of the
// reference text.
//
//	go run ./engine/catalog/extractsettings -ref engine/catalog/testdata/reference-guide-7.1.txt \
//	    -keep engine/catalog/data/settings.json > /tmp/settings.json
//
// The reference's own fields come from refparse.ParseSettings. The
// machine-checkable fields (type, min, max, allowed, value) are guessed from
// the Values and Default text; the guess is only a draft to review by hand.
// With -keep, settings already present in that file keep their reviewed
// machine-checkable fields and restart reading, so a re-run after a parser
// fix does not undo the review. The reference's text comes out as written:
// the page artefacts corrected by hand (settingsCorrections in
// engine/catalog/settings_test.go, which fails until they are) must be
// corrected again.
package main
