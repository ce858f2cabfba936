// This file is quayside's, not Go's: it writes parsed trees in a compact
// binary form and reads them back, so that a process can reuse the parse of
// template texts another process made (see template_cache.go in the engine).

package parse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// encodedMagic starts every encoding; its last byte is the format version,
// bumped whenever the encoding or the trees' meaning changes.
const encodedMagic = "QPT\x01"

// NamedTree is one entry of a template set: the name it is found under and
// its tree. Several names may share one tree.
type NamedTree struct {
	Name string
	Tree *Tree
}

// node tags in the encoding
const (
	tagList byte = iota + 1
	tagTextSlice
	tagTextLiteral
	tagComment
	tagPipe
	tagAction
	tagCommand
	tagIdentifier
	tagVariable
	tagDot
	tagNil
	tagField
	tagChain
	tagBool
	tagNumber
	tagString
	tagIf
	tagRange
	tagWith
	tagBreak
	tagContinue
	tagTemplate
)

// EncodeTrees writes the named trees under key. Every tree's text must be the
// text it was parsed from; DecodeTrees is given the same texts by parse name.
func EncodeTrees(key string, named []NamedTree) ([]byte, error) {
	e := encoder{strings: map[string]int{}, trees: map[*Tree]int{}}
	// Room for what a parse usually takes (a third of its texts), so the
	// encoding grows once or not at all.
	size := 0
	sized := map[string]bool{}
	for _, n := range named {
		if n.Tree != nil && !sized[n.Tree.ParseName] {
			sized[n.Tree.ParseName] = true
			size += len(n.Tree.text)
		}
	}
	body := make([]byte, 0, size/3+64)
	var order []*Tree
	for _, n := range named {
		if n.Tree == nil || n.Tree.Root == nil {
			return nil, fmt.Errorf("template %q has no tree", n.Name)
		}
		if _, seen := e.trees[n.Tree]; !seen {
			e.trees[n.Tree] = len(order)
			order = append(order, n.Tree)
		}
	}
	body = binary.AppendUvarint(body, uint64(len(order)))
	for _, t := range order {
		e.tree, e.lastPos = t, 0
		body = e.str(body, t.Name)
		body = e.str(body, t.ParseName)
		body = binary.AppendUvarint(body, uint64(t.Mode))
		var err error
		if body, err = e.node(body, t.Root); err != nil {
			return nil, fmt.Errorf("template %q: %w", t.Name, err)
		}
	}
	body = binary.AppendUvarint(body, uint64(len(named)))
	for _, n := range named {
		body = e.str(body, n.Name)
		body = binary.AppendUvarint(body, uint64(e.trees[n.Tree]))
	}
	out := make([]byte, 0, len(body)+e.tableSize+16*len(e.table)+len(key)+16)
	out = append(out, encodedMagic...)
	out = binary.AppendUvarint(out, uint64(len(key)))
	out = append(out, key...)
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.table {
		out = append(out, s...)
	}
	return append(out, body...), nil
}

type encoder struct {
	strings   map[string]int
	table     []string
	tableSize int
	trees     map[*Tree]int
	tree      *Tree
	// lastPos is the position of the tree's node written last: positions
	// are written as the difference, mostly a byte or two.
	lastPos Pos
}

func (e *encoder) str(b []byte, s string) []byte {
	i, ok := e.strings[s]
	if !ok {
		i = len(e.table)
		e.strings[s] = i
		e.table = append(e.table, s)
		e.tableSize += len(s)
	}
	return binary.AppendUvarint(b, uint64(i))
}

// dotted writes the names of an identifier, field or variable: as their
// length in the text when the text at pos is prefix and the names joined by
// dots (as the parser read them), else from the strings table.
func (e *encoder) dotted(b []byte, pos Pos, prefix string, names []string) []byte {
	text := e.tree.text
	at := int(pos)
	ok := len(names) > 0 && at <= len(text) && strings.HasPrefix(text[at:], prefix)
	at += len(prefix)
	for i, name := range names {
		if !ok {
			break
		}
		if i > 0 {
			ok = at < len(text) && text[at] == '.'
			at++
		}
		ok = ok && strings.IndexByte(name, '.') < 0 && strings.HasPrefix(text[at:], name)
		at += len(name)
	}
	if !ok {
		return e.strs(append(b, 0), names)
	}
	return binary.AppendUvarint(append(b, 1), uint64(at-int(pos)))
}

func (e *encoder) strs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = e.str(b, s)
	}
	return b
}

func (e *encoder) head(b []byte, tag byte, n Node, tr *Tree) ([]byte, error) {
	if tr != e.tree {
		return nil, fmt.Errorf("a node at %d belongs to another tree", n.Position())
	}
	b = append(b, tag)
	b = binary.AppendVarint(b, int64(n.Position()-e.lastPos))
	e.lastPos = n.Position()
	return b, nil
}

func (e *encoder) list(b []byte, l *ListNode) ([]byte, error) {
	if l == nil {
		return append(b, 0), nil
	}
	return e.node(b, l)
}

func (e *encoder) pipe(b []byte, p *PipeNode) ([]byte, error) {
	if p == nil {
		return append(b, 0), nil
	}
	return e.node(b, p)
}

// node writes one node, each kind by a function of its own (see decoder.node).
func (e *encoder) node(b []byte, n Node) ([]byte, error) {
	switch n := n.(type) {
	case *ListNode:
		return e.listNode(b, n)
	case *TextNode:
		return e.textNode(b, n)
	case *CommentNode:
		return e.commentNode(b, n)
	case *PipeNode:
		return e.pipeNode(b, n)
	case *ActionNode:
		return e.actionNode(b, n)
	case *CommandNode:
		return e.commandNode(b, n)
	case *IdentifierNode:
		return e.identifierNode(b, n)
	case *VariableNode:
		return e.variableNode(b, n)
	case *DotNode:
		return e.dotNode(b, n)
	case *NilNode:
		return e.nilNode(b, n)
	case *FieldNode:
		return e.fieldNode(b, n)
	case *ChainNode:
		return e.chainNode(b, n)
	case *BoolNode:
		return e.boolNode(b, n)
	case *NumberNode:
		return e.numberNode(b, n)
	case *StringNode:
		return e.stringNode(b, n)
	case *IfNode:
		return e.branch(b, tagIf, &n.BranchNode)
	case *RangeNode:
		return e.branch(b, tagRange, &n.BranchNode)
	case *WithNode:
		return e.branch(b, tagWith, &n.BranchNode)
	case *BreakNode:
		return e.breakNode(b, n)
	case *ContinueNode:
		return e.continueNode(b, n)
	case *TemplateNode:
		return e.templateNode(b, n)
	default:
		return nil, fmt.Errorf("cannot encode a %T", n)
	}
}

func (e *encoder) listNode(b []byte, n *ListNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagList, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(n.Nodes)))
	for _, c := range n.Nodes {
		if b, err = e.node(b, c); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (e *encoder) textNode(b []byte, n *TextNode) ([]byte, error) {
	var err error
	end := int(n.Pos) + len(n.Text)
	if int(n.Pos) <= len(e.tree.text) && end <= len(e.tree.text) && e.tree.text[n.Pos:end] == string(n.Text) {
		if b, err = e.head(b, tagTextSlice, n, n.tr); err != nil {
			return nil, err
		}
		b = binary.AppendUvarint(b, uint64(len(n.Text)))
	} else {
		if b, err = e.head(b, tagTextLiteral, n, n.tr); err != nil {
			return nil, err
		}
		b = e.str(b, string(n.Text))
	}
	return b, nil
}

func (e *encoder) commentNode(b []byte, n *CommentNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagComment, n, n.tr); err != nil {
		return nil, err
	}
	b = e.str(b, n.Text)
	return b, nil
}

func (e *encoder) pipeNode(b []byte, n *PipeNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagPipe, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	b = appendBool(b, n.IsAssign)
	b = binary.AppendUvarint(b, uint64(len(n.Decl)))
	for _, v := range n.Decl {
		if b, err = e.node(b, v); err != nil {
			return nil, err
		}
	}
	b = binary.AppendUvarint(b, uint64(len(n.Cmds)))
	for _, c := range n.Cmds {
		if b, err = e.node(b, c); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (e *encoder) actionNode(b []byte, n *ActionNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagAction, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	if b, err = e.pipe(b, n.Pipe); err != nil {
		return nil, err
	}
	return b, nil
}

func (e *encoder) commandNode(b []byte, n *CommandNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagCommand, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(n.Args)))
	for _, a := range n.Args {
		if b, err = e.node(b, a); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (e *encoder) identifierNode(b []byte, n *IdentifierNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagIdentifier, n, n.tr); err != nil {
		return nil, err
	}
	return e.dotted(b, n.Pos, "", []string{n.Ident}), nil
}

func (e *encoder) variableNode(b []byte, n *VariableNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagVariable, n, n.tr); err != nil {
		return nil, err
	}
	return e.dotted(b, n.Pos, "", n.Ident), nil
}

func (e *encoder) dotNode(b []byte, n *DotNode) ([]byte, error) {
	return e.head(b, tagDot, n, n.tr)
}

func (e *encoder) nilNode(b []byte, n *NilNode) ([]byte, error) {
	return e.head(b, tagNil, n, n.tr)
}

func (e *encoder) fieldNode(b []byte, n *FieldNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagField, n, n.tr); err != nil {
		return nil, err
	}
	return e.dotted(b, n.Pos, ".", n.Ident), nil
}

func (e *encoder) chainNode(b []byte, n *ChainNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagChain, n, n.tr); err != nil {
		return nil, err
	}
	if b, err = e.node(b, n.Node); err != nil {
		return nil, err
	}
	b = e.strs(b, n.Field)
	return b, nil
}

func (e *encoder) boolNode(b []byte, n *BoolNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagBool, n, n.tr); err != nil {
		return nil, err
	}
	b = appendBool(b, n.True)
	return b, nil
}

func (e *encoder) numberNode(b []byte, n *NumberNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagNumber, n, n.tr); err != nil {
		return nil, err
	}
	var flags byte
	for i, f := range []bool{n.IsInt, n.IsUint, n.IsFloat, n.IsComplex} {
		if f {
			flags |= 1 << i
		}
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, n.Int64)
	b = binary.AppendUvarint(b, n.Uint64)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(n.Float64))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(real(n.Complex128)))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(imag(n.Complex128)))
	b = e.str(b, n.Text)
	return b, nil
}

func (e *encoder) stringNode(b []byte, n *StringNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagString, n, n.tr); err != nil {
		return nil, err
	}
	// Charts hold big string constants (dashboards, rules): the quoted
	// form is read from the text where it stands, and the unquoted one
	// from within it when no escape changed it.
	var flags byte
	end := int(n.Pos) + len(n.Quoted)
	if int(n.Pos) <= len(e.tree.text) && end <= len(e.tree.text) && e.tree.text[n.Pos:end] == n.Quoted {
		flags |= 1
	}
	if len(n.Quoted) >= 2 && n.Quoted[1:len(n.Quoted)-1] == n.Text {
		flags |= 2
	}
	b = append(b, flags)
	if flags&1 != 0 {
		b = binary.AppendUvarint(b, uint64(len(n.Quoted)))
	} else {
		b = e.str(b, n.Quoted)
	}
	if flags&2 == 0 {
		b = e.str(b, n.Text)
	}
	return b, nil
}

func (e *encoder) breakNode(b []byte, n *BreakNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagBreak, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	return b, nil
}

func (e *encoder) continueNode(b []byte, n *ContinueNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagContinue, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	return b, nil
}

func (e *encoder) templateNode(b []byte, n *TemplateNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tagTemplate, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	b = e.str(b, n.Name)
	if b, err = e.pipe(b, n.Pipe); err != nil {
		return nil, err
	}
	return b, nil
}

func (e *encoder) branch(b []byte, tag byte, n *BranchNode) ([]byte, error) {
	var err error
	if b, err = e.head(b, tag, n, n.tr); err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(n.Line))
	if b, err = e.pipe(b, n.Pipe); err != nil {
		return nil, err
	}
	if b, err = e.list(b, n.List); err != nil {
		return nil, err
	}
	return e.list(b, n.ElseList)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// DecodeTrees reads what EncodeTrees wrote under the same key. texts gives
// each tree's text by its parse name: the very texts the trees were parsed
// from (the caller's key must stand for them). Anything malformed is an
// error, never a panic, and no tree is returned then.
func DecodeTrees(key string, data []byte, texts map[string]string) (named []NamedTree, err error) {
	defer func() {
		if r := recover(); r != nil {
			named, err = nil, fmt.Errorf("malformed parse trees: %v", r)
		}
	}()
	d := decoder{b: data, texts: texts, bytes: map[string][]byte{}}
	if len(data) < len(encodedMagic) || string(data[:len(encodedMagic)]) != encodedMagic {
		return nil, errors.New("not parse trees of this engine's format")
	}
	d.i = len(encodedMagic)
	if k := d.take(d.count()); d.err == nil && string(k) != key {
		return nil, errors.New("parse trees of other templates")
	}
	lengths := make([]int, d.count())
	total := 0
	for i := range lengths {
		lengths[i] = d.count()
		total += lengths[i]
	}
	all := string(d.take(total))
	d.table = make([]string, len(lengths))
	at := 0
	for i, n := range lengths {
		if d.err != nil {
			break
		}
		d.table[i] = all[at : at+n]
		at += n
	}
	trees := make([]*Tree, d.count())
	for i := range trees {
		if d.err != nil {
			break
		}
		t := &Tree{Name: d.str(), ParseName: d.str(), Mode: Mode(d.uvarint())}
		text, ok := texts[t.ParseName]
		if d.err == nil && !ok {
			d.fail("no text for %q", t.ParseName)
		}
		t.text = text
		d.tree, d.lastPos = t, 0
		root, _ := d.node().(*ListNode)
		if d.err == nil && root == nil {
			d.fail("template %q has no list at its root", t.Name)
		}
		t.Root = root
		trees[i] = t
	}
	named = make([]NamedTree, d.count())
	for i := range named {
		if d.err != nil {
			break
		}
		named[i].Name = d.str()
		if at := d.count(); d.err == nil && at >= len(trees) {
			d.fail("tree %d of %d", at, len(trees))
		} else if d.err == nil {
			named[i].Tree = trees[at]
		}
	}
	if d.err == nil && d.i != len(d.b) {
		d.fail("%d bytes left over", len(d.b)-d.i)
	}
	if d.err != nil {
		return nil, d.err
	}
	return named, nil
}

type decoder struct {
	b     []byte
	i     int
	err   error
	table []string
	texts map[string]string
	bytes map[string][]byte
	tree  *Tree
	// lastPos is the position of the node read last (see encoder.lastPos).
	lastPos Pos
	// Nodes and slices come from slabs: a big chart's parse is ~100,000
	// nodes, and one allocation each was most of the time decoding took.
	lists       slab[ListNode]
	textNodes   slab[TextNode]
	pipes       slab[PipeNode]
	actions     slab[ActionNode]
	commands    slab[CommandNode]
	idents      slab[IdentifierNode]
	variables   slab[VariableNode]
	fields      slab[FieldNode]
	dots        slab[DotNode]
	stringNodes slab[StringNode]
	ifs         slab[IfNode]
	ranges      slab[RangeNode]
	withs       slab[WithNode]
	nodeSlice   slab[Node]
	cmdSlice    slab[*CommandNode]
	varSlice    slab[*VariableNode]
	strSlice    slab[string]
}

// slabSize is how many values a slab allocates at once.
const slabSize = 256

// slab hands out values and short slices from bigger allocations. The trees
// it serves live and die together, so nothing is kept alive for long by a
// neighbour.
type slab[T any] struct{ free []T }

func (s *slab[T]) one() *T {
	if len(s.free) == 0 {
		s.free = make([]T, slabSize)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// many is a slice of n zero values with no room to grow into its neighbours.
func (s *slab[T]) many(n int) []T {
	if n == 0 {
		return nil
	}
	if n > slabSize/4 {
		return make([]T, n)
	}
	if n > len(s.free) {
		s.free = make([]T, slabSize)
	}
	r := s.free[:n:n]
	s.free = s.free[n:]
	return r
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("malformed parse trees at byte %d: "+format, append([]any{d.i}, args...)...)
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.i:])
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.i += n
	return v
}

// count reads a length or index, which can never exceed the input's size.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.fail("count %d", v)
		return 0
	}
	return int(v)
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b)-d.i {
		d.fail("%d bytes wanted", n)
		return nil
	}
	d.i += n
	return d.b[d.i-n : d.i]
}

func (d *decoder) byte() byte {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) float() float64 {
	if b := d.take(8); b != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

func (d *decoder) str() string {
	i := d.count()
	if d.err != nil {
		return ""
	}
	if i >= len(d.table) {
		d.fail("string %d of %d", i, len(d.table))
		return ""
	}
	return d.table[i]
}

func (d *decoder) strs() []string {
	n := d.count()
	if d.err != nil {
		return nil
	}
	ss := d.strSlice.many(n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

// dotted reads what encoder.dotted wrote: names split at dots from the text
// at pos, after a prefix of that many bytes, or from the strings table.
func (d *decoder) dotted(t *Tree, pos Pos, prefix int) []string {
	switch d.byte() {
	case 0:
		return d.strs()
	case 1:
	default:
		d.fail("bad names")
		return nil
	}
	u := d.uvarint()
	if d.err == nil && (u > uint64(len(t.text)-int(pos)) || u < uint64(prefix)) {
		d.fail("names past the end")
	}
	if d.err != nil {
		return nil
	}
	joined := t.text[int(pos)+prefix : int(pos)+int(u)]
	names := d.strSlice.many(strings.Count(joined, ".") + 1)
	for i := range names {
		dot := strings.IndexByte(joined, '.')
		if dot < 0 {
			names[i] = joined
			break
		}
		names[i], joined = joined[:dot], joined[dot+1:]
	}
	return names
}

// textBytes is the tree's text as bytes, made once per text: text nodes are
// slices of it, as they were slices of the parsed text.
func (d *decoder) textBytes() []byte {
	b, ok := d.bytes[d.tree.ParseName]
	if !ok {
		b = []byte(d.tree.text)
		d.bytes[d.tree.ParseName] = b
	}
	return b
}

func (d *decoder) pos() Pos {
	p := int64(d.lastPos) + d.varint()
	if p < 0 || p > int64(len(d.tree.text)) {
		d.fail("position %d outside the text", p)
		return 0
	}
	d.lastPos = Pos(p)
	return d.lastPos
}

func (d *decoder) list() *ListNode {
	if d.err != nil {
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] == 0 {
		d.i++
		return nil
	}
	l, ok := d.node().(*ListNode)
	if !ok {
		d.fail("a list expected")
	}
	return l
}

func (d *decoder) pipe() *PipeNode {
	if d.err != nil {
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] == 0 {
		d.i++
		return nil
	}
	p, ok := d.node().(*PipeNode)
	if !ok {
		d.fail("a pipeline expected")
	}
	return p
}

// node reads one node. Each kind is read by a function of its own: V8 tiers a
// WebAssembly function up to its optimizing compiler by how much of its code
// runs, and one function holding every kind (~35 KB) was compiled again in
// the background after every render that read a big chart.
func (d *decoder) node() Node {
	tag := d.byte()
	if d.err != nil {
		return nil
	}
	t := d.tree
	pos := d.pos()
	switch tag {
	case tagList:
		return d.listNode(t, pos)
	case tagTextSlice:
		return d.textSliceNode(t, pos)
	case tagTextLiteral:
		return d.textLiteralNode(t, pos)
	case tagComment:
		return d.commentNode(t, pos)
	case tagPipe:
		return d.pipeNode(t, pos)
	case tagAction:
		return d.actionNode(t, pos)
	case tagCommand:
		return d.commandNode(t, pos)
	case tagIdentifier:
		return d.identifierNode(t, pos)
	case tagVariable:
		return d.variableNode(t, pos)
	case tagDot:
		return d.dotNode(t, pos)
	case tagNil:
		return d.nilNode(t, pos)
	case tagField:
		return d.fieldNode(t, pos)
	case tagChain:
		return d.chainNode(t, pos)
	case tagBool:
		return d.boolNode(t, pos)
	case tagNumber:
		return d.numberNode(t, pos)
	case tagString:
		return d.stringNode(t, pos)
	case tagIf, tagRange, tagWith:
		return d.branchNode(tag, t, pos)
	case tagBreak:
		return d.breakNode(t, pos)
	case tagContinue:
		return d.continueNode(t, pos)
	case tagTemplate:
		return d.templateNode(t, pos)
	}
	d.fail("unknown node %d", tag)
	return nil
}

func (d *decoder) listNode(t *Tree, pos Pos) Node {
	l := d.lists.one()
	*l = ListNode{tr: t, NodeType: NodeList, Pos: pos}
	n := d.count()
	if d.err != nil {
		return nil
	}
	l.Nodes = d.nodeSlice.many(n)
	for i := 0; i < n && d.err == nil; i++ {
		l.Nodes[i] = d.node()
	}
	return l
}

func (d *decoder) textSliceNode(t *Tree, pos Pos) Node {
	// A length in the text, not in the encoding: it may be longer.
	u := d.uvarint()
	if d.err == nil && u > uint64(len(t.text)-int(pos)) {
		d.fail("text past the end")
	}
	if d.err != nil {
		return nil
	}
	n := int(u)
	b := d.textBytes()
	x := d.textNodes.one()
	*x = TextNode{tr: t, NodeType: NodeText, Pos: pos, Text: b[pos : int(pos)+n : int(pos)+n]}
	return x
}

func (d *decoder) textLiteralNode(t *Tree, pos Pos) Node {
	return &TextNode{tr: t, NodeType: NodeText, Pos: pos, Text: []byte(d.str())}
}

func (d *decoder) commentNode(t *Tree, pos Pos) Node {
	return t.newComment(pos, d.str())
}

func (d *decoder) pipeNode(t *Tree, pos Pos) Node {
	line := d.count()
	assign := d.byte() == 1
	decl := d.varSlice.many(d.count())
	for i := range decl {
		v, ok := d.node().(*VariableNode)
		if !ok {
			d.fail("a variable expected")
			return nil
		}
		decl[i] = v
	}
	p := d.pipes.one()
	*p = PipeNode{tr: t, NodeType: NodePipe, Pos: pos, Line: line, Decl: decl, IsAssign: assign}
	p.Cmds = d.cmdSlice.many(d.count())
	for i := range p.Cmds {
		c, ok := d.node().(*CommandNode)
		if !ok {
			d.fail("a command expected")
			return nil
		}
		p.Cmds[i] = c
	}
	return p
}

func (d *decoder) actionNode(t *Tree, pos Pos) Node {
	line := d.count()
	pipe := d.pipe()
	if d.err == nil && pipe == nil {
		d.fail("an action without its pipeline")
		return nil
	}
	a := d.actions.one()
	*a = ActionNode{tr: t, NodeType: NodeAction, Pos: pos, Line: line, Pipe: pipe}
	return a
}

func (d *decoder) commandNode(t *Tree, pos Pos) Node {
	c := d.commands.one()
	*c = CommandNode{tr: t, NodeType: NodeCommand, Pos: pos}
	c.Args = d.nodeSlice.many(d.count())
	for i := range c.Args {
		c.Args[i] = d.node()
	}
	return c
}

func (d *decoder) identifierNode(t *Tree, pos Pos) Node {
	i := d.idents.one()
	names := d.dotted(t, pos, 0)
	if d.err == nil && len(names) != 1 {
		d.fail("an identifier of %d names", len(names))
		return nil
	}
	if d.err != nil {
		return nil
	}
	*i = IdentifierNode{tr: t, NodeType: NodeIdentifier, Pos: pos, Ident: names[0]}
	return i
}

func (d *decoder) variableNode(t *Tree, pos Pos) Node {
	v := d.variables.one()
	*v = VariableNode{tr: t, NodeType: NodeVariable, Pos: pos, Ident: d.dotted(t, pos, 0)}
	return v
}

func (d *decoder) dotNode(t *Tree, pos Pos) Node {
	x := d.dots.one()
	*x = DotNode{tr: t, NodeType: NodeDot, Pos: pos}
	return x
}

func (d *decoder) nilNode(t *Tree, pos Pos) Node {
	return t.newNil(pos)
}

func (d *decoder) fieldNode(t *Tree, pos Pos) Node {
	f := d.fields.one()
	*f = FieldNode{tr: t, NodeType: NodeField, Pos: pos, Ident: d.dotted(t, pos, 1)}
	return f
}

func (d *decoder) chainNode(t *Tree, pos Pos) Node {
	c := t.newChain(pos, d.node())
	c.Field = d.strs()
	return c
}

func (d *decoder) boolNode(t *Tree, pos Pos) Node {
	return t.newBool(pos, d.byte() == 1)
}

func (d *decoder) numberNode(t *Tree, pos Pos) Node {
	flags := d.byte()
	n := &NumberNode{tr: t, NodeType: NodeNumber, Pos: pos}
	n.IsInt, n.IsUint, n.IsFloat, n.IsComplex = flags&1 != 0, flags&2 != 0, flags&4 != 0, flags&8 != 0
	n.Int64 = d.varint()
	n.Uint64 = d.uvarint()
	n.Float64 = d.float()
	re := d.float()
	n.Complex128 = complex(re, d.float())
	n.Text = d.str()
	return n
}

func (d *decoder) stringNode(t *Tree, pos Pos) Node {
	flags := d.byte()
	var quoted, text string
	if flags&1 != 0 {
		u := d.uvarint()
		if d.err == nil && u > uint64(len(t.text)-int(pos)) {
			d.fail("string past the end")
		}
		if d.err != nil {
			return nil
		}
		quoted = t.text[pos : int(pos)+int(u)]
	} else {
		quoted = d.str()
	}
	if flags&2 != 0 {
		if len(quoted) < 2 {
			d.fail("a quoted string of %d bytes", len(quoted))
			return nil
		}
		text = quoted[1 : len(quoted)-1]
	} else {
		text = d.str()
	}
	x := d.stringNodes.one()
	*x = StringNode{tr: t, NodeType: NodeString, Pos: pos, Quoted: quoted, Text: text}
	return x
}

func (d *decoder) branchNode(tag byte, t *Tree, pos Pos) Node {
	line := d.count()
	pipe := d.pipe()
	list := d.list()
	elseList := d.list()
	if d.err == nil && (pipe == nil || list == nil) {
		d.fail("a branch without its pipeline or list")
		return nil
	}
	switch tag {
	case tagIf:
		x := d.ifs.one()
		*x = IfNode{BranchNode{tr: t, NodeType: NodeIf, Pos: pos, Line: line, Pipe: pipe, List: list, ElseList: elseList}}
		return x
	case tagRange:
		x := d.ranges.one()
		*x = RangeNode{BranchNode{tr: t, NodeType: NodeRange, Pos: pos, Line: line, Pipe: pipe, List: list, ElseList: elseList}}
		return x
	default:
		x := d.withs.one()
		*x = WithNode{BranchNode{tr: t, NodeType: NodeWith, Pos: pos, Line: line, Pipe: pipe, List: list, ElseList: elseList}}
		return x
	}
}

func (d *decoder) breakNode(t *Tree, pos Pos) Node {
	return t.newBreak(pos, d.count())
}

func (d *decoder) continueNode(t *Tree, pos Pos) Node {
	return t.newContinue(pos, d.count())
}

func (d *decoder) templateNode(t *Tree, pos Pos) Node {
	line := d.count()
	name := d.str()
	return t.newTemplate(pos, line, name, d.pipe())
}
