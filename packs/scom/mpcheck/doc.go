// Package mpcheck checks SCOM management packs the way the Operations
// Manager importer does, without a SCOM server and without Microsoft's
// management pack schema (which is not public):
//
//   - element IDs are unique dotted identifiers;
//   - every Alias!Element reference names a declared alias and a Public
//     element of the referenced pack (the library packs given to New, or a
//     pack checked before it), every local reference an element of the
//     right kind, every class property named exists on the class or a base,
//     and every declared alias is used;
//   - each module, monitor and view configuration matches its type's
//     Configuration schema: an XSD is derived from the type's definition in
//     its pack (xsd:element items plus included SchemaTypes) and xmllint
//     validates the configuration against it;
//   - children appear in the order the importer requires;
//   - exactly one default language pack gives every element a display
//     string;
//   - every alert names a string resource whose {0}..{n} match the alert's
//     parameters, and has a knowledge article;
//   - knowledge articles are MAML (maml.xsd: the subset SCOM knowledge uses,
//     which the library packs' own articles pass);
//   - view folders lead to the Monitoring pane's root folder;
//   - unit monitors map each state of their monitor type exactly once.
package mpcheck
