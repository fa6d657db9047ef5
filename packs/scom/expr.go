package scom

import "github.com/beevik/etree"

// Expressions of System.ExpressionEvaluatorSchema, the filter language of
// event and performance data sources.

// equals is a SimpleExpression comparing a data item with a value.
func equals(xpath, typ, value string) *etree.Element {
	return compare(xpath, typ, "Equal", value)
}

func compare(xpath, typ, op, value string) *etree.Element {
	e := etree.NewElement("Expression")
	s := e.CreateElement("SimpleExpression")
	q := s.CreateElement("ValueExpression").CreateElement("XPathQuery")
	q.CreateAttr("Type", typ)
	q.SetText(xpath)
	child(s, "Operator", op)
	v := s.CreateElement("ValueExpression").CreateElement("Value")
	v.CreateAttr("Type", typ)
	v.SetText(value)
	return e
}

// matches is a RegExExpression on a data item.
func matches(xpath, pattern string) *etree.Element {
	e := etree.NewElement("Expression")
	r := e.CreateElement("RegExExpression")
	q := r.CreateElement("ValueExpression").CreateElement("XPathQuery")
	q.CreateAttr("Type", "String")
	q.SetText(xpath)
	child(r, "Operator", "MatchesRegularExpression")
	child(r, "Pattern", pattern)
	return e
}

// join combines expressions with And or Or; one expression stands alone
// (the schema wants at least two under And and Or).
func join(op string, exprs ...*etree.Element) *etree.Element {
	if len(exprs) == 1 {
		return exprs[0]
	}
	e := etree.NewElement("Expression")
	j := e.CreateElement(op)
	for _, x := range exprs {
		j.AddChild(x)
	}
	return e
}
