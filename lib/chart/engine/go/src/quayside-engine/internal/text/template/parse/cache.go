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
	e.b = make([]byte, 0, size/3+64)
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
	e.uvarint(len(order))
	for _, t := range order {
		e.tree, e.lastPos = t, 0
		e.str(t.Name)
		e.str(t.ParseName)
		e.uvarint(int(t.Mode))
		if e.node(t.Root); e.err != nil {
			return nil, fmt.Errorf("template %q: %w", t.Name, e.err)
		}
	}
	e.uvarint(len(named))
	for _, n := range named {
		e.str(n.Name)
		e.uvarint(e.trees[n.Tree])
	}
	out := make([]byte, 0, len(e.b)+e.tableSize+16*len(e.table)+len(key)+16)
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
	return append(out, e.b...), nil
}

// encoder writes the trees' part of an encoding into b; the strings they
// name go to a table written before it. The first error stays in err and
// ends the encoding (as decoder does).
type encoder struct {
	b         []byte
	err       error
	strings   map[string]int
	table     []string
	tableSize int
	trees     map[*Tree]int
	tree      *Tree
	// lastPos is the position of the tree's node written last: positions
	// are written as the difference, mostly a byte or two.
	lastPos Pos
}

func (e *encoder) uvarint(v int) {
	e.b = binary.AppendUvarint(e.b, uint64(v))
}

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) float(v float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}

func (e *encoder) str(s string) {
	i, ok := e.strings[s]
	if !ok {
		i = len(e.table)
		e.strings[s] = i
		e.table = append(e.table, s)
		e.tableSize += len(s)
	}
	e.uvarint(i)
}

func (e *encoder) strs(ss []string) {
	e.uvarint(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

// standsAt says whether the tree's text holds s at pos.
func (e *encoder) standsAt(pos Pos, s string) bool {
	end := int(pos) + len(s)
	return int(pos) <= len(e.tree.text) && end <= len(e.tree.text) && e.tree.text[pos:end] == s
}

// dotted writes the names of an identifier, field or variable: as their
// length in the text when the text at pos is prefix and the names joined by
// dots (as the parser read them), else from the strings table.
func (e *encoder) dotted(pos Pos, prefix string, names []string) {
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
		e.b = append(e.b, 0)
		e.strs(names)
		return
	}
	e.b = append(e.b, 1)
	e.uvarint(at - int(pos))
}

// head starts a node: its tag and its position.
func (e *encoder) head(tag byte, n Node, tr *Tree) {
	if tr != e.tree {
		e.fail(fmt.Errorf("a node at %d belongs to another tree", n.Position()))
	}
	e.b = append(e.b, tag)
	e.b = binary.AppendVarint(e.b, int64(n.Position()-e.lastPos))
	e.lastPos = n.Position()
}

func (e *encoder) list(l *ListNode) {
	if l == nil {
		e.b = append(e.b, 0)
	} else {
		e.listNode(l)
	}
}

func (e *encoder) pipe(p *PipeNode) {
	if p == nil {
		e.b = append(e.b, 0)
	} else {
		e.pipeNode(p)
	}
}

// node writes one node, each kind by a function of its own: V8 compiles a
// WebAssembly function again with its optimizing compiler once enough of its
// code has run, and a process's exit waits for such a compile (see
// decoder.node). This one only dispatches.
func (e *encoder) node(n Node) {
	switch n := n.(type) {
	case *ListNode:
		e.listNode(n)
	case *TextNode:
		e.textNode(n)
	case *CommentNode:
		e.commentNode(n)
	case *PipeNode:
		e.pipeNode(n)
	case *ActionNode:
		e.actionNode(n)
	case *CommandNode:
		e.commandNode(n)
	case *IdentifierNode:
		e.identifierNode(n)
	case *VariableNode:
		e.variableNode(n)
	case *DotNode:
		e.head(tagDot, n, n.tr)
	case *NilNode:
		e.head(tagNil, n, n.tr)
	case *FieldNode:
		e.fieldNode(n)
	case *ChainNode:
		e.chainNode(n)
	case *BoolNode:
		e.boolNode(n)
	case *NumberNode:
		e.numberNode(n)
	case *StringNode:
		e.stringNode(n)
	case *IfNode:
		e.branch(tagIf, &n.BranchNode)
	case *RangeNode:
		e.branch(tagRange, &n.BranchNode)
	case *WithNode:
		e.branch(tagWith, &n.BranchNode)
	case *BreakNode:
		e.lineNode(tagBreak, n, n.tr, n.Line)
	case *ContinueNode:
		e.lineNode(tagContinue, n, n.tr, n.Line)
	case *TemplateNode:
		e.templateNode(n)
	default:
		e.fail(fmt.Errorf("cannot encode a %T", n))
	}
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *encoder) commentNode(n *CommentNode) {
	e.head(tagComment, n, n.tr)
	e.str(n.Text)
}

func (e *encoder) actionNode(n *ActionNode) {
	e.head(tagAction, n, n.tr)
	e.uvarint(n.Line)
	e.pipe(n.Pipe)
}

func (e *encoder) identifierNode(n *IdentifierNode) {
	e.head(tagIdentifier, n, n.tr)
	e.dotted(n.Pos, "", []string{n.Ident})
}

func (e *encoder) variableNode(n *VariableNode) {
	e.head(tagVariable, n, n.tr)
	e.dotted(n.Pos, "", n.Ident)
}

func (e *encoder) fieldNode(n *FieldNode) {
	e.head(tagField, n, n.tr)
	e.dotted(n.Pos, ".", n.Ident)
}

func (e *encoder) chainNode(n *ChainNode) {
	e.head(tagChain, n, n.tr)
	e.node(n.Node)
	e.strs(n.Field)
}

func (e *encoder) boolNode(n *BoolNode) {
	e.head(tagBool, n, n.tr)
	e.bool(n.True)
}

// lineNode writes a node that holds only its line (break, continue).
func (e *encoder) lineNode(tag byte, n Node, tr *Tree, line int) {
	e.head(tag, n, tr)
	e.uvarint(line)
}

func (e *encoder) templateNode(n *TemplateNode) {
	e.head(tagTemplate, n, n.tr)
	e.uvarint(n.Line)
	e.str(n.Name)
	e.pipe(n.Pipe)
}

func (e *encoder) listNode(n *ListNode) {
	e.head(tagList, n, n.tr)
	e.uvarint(len(n.Nodes))
	for _, c := range n.Nodes {
		e.node(c)
	}
}

func (e *encoder) textNode(n *TextNode) {
	// string(n.Text) in a comparison makes no copy.
	end := int(n.Pos) + len(n.Text)
	if int(n.Pos) <= len(e.tree.text) && end <= len(e.tree.text) && e.tree.text[n.Pos:end] == string(n.Text) {
		e.head(tagTextSlice, n, n.tr)
		e.uvarint(len(n.Text))
		return
	}
	e.head(tagTextLiteral, n, n.tr)
	e.str(string(n.Text))
}

func (e *encoder) pipeNode(n *PipeNode) {
	e.head(tagPipe, n, n.tr)
	e.uvarint(n.Line)
	e.bool(n.IsAssign)
	e.uvarint(len(n.Decl))
	for _, v := range n.Decl {
		e.node(v)
	}
	e.uvarint(len(n.Cmds))
	for _, c := range n.Cmds {
		e.node(c)
	}
}

func (e *encoder) commandNode(n *CommandNode) {
	e.head(tagCommand, n, n.tr)
	e.uvarint(len(n.Args))
	for _, a := range n.Args {
		e.node(a)
	}
}

func (e *encoder) numberNode(n *NumberNode) {
	e.head(tagNumber, n, n.tr)
	var flags byte
	for i, f := range []bool{n.IsInt, n.IsUint, n.IsFloat, n.IsComplex} {
		if f {
			flags |= 1 << i
		}
	}
	e.b = append(e.b, flags)
	e.b = binary.AppendVarint(e.b, n.Int64)
	e.b = binary.AppendUvarint(e.b, n.Uint64)
	e.float(n.Float64)
	e.float(real(n.Complex128))
	e.float(imag(n.Complex128))
	e.str(n.Text)
}

func (e *encoder) stringNode(n *StringNode) {
	e.head(tagString, n, n.tr)
	// Charts hold big string constants (dashboards, rules): the quoted
	// form is read from the text where it stands, and the unquoted one
	// from within it when no escape changed it.
	var flags byte
	if e.standsAt(n.Pos, n.Quoted) {
		flags |= 1
	}
	if len(n.Quoted) >= 2 && n.Quoted[1:len(n.Quoted)-1] == n.Text {
		flags |= 2
	}
	e.b = append(e.b, flags)
	if flags&1 != 0 {
		e.uvarint(len(n.Quoted))
	} else {
		e.str(n.Quoted)
	}
	if flags&2 == 0 {
		e.str(n.Text)
	}
}

func (e *encoder) branch(tag byte, n *BranchNode) {
	e.head(tag, n, n.tr)
	e.uvarint(n.Line)
	e.pipe(n.Pipe)
	e.list(n.List)
	e.list(n.ElseList)
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

// varint reads what binary.AppendVarint wrote: a zig-zag uvarint.
func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
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
	end := d.span(t, pos)
	if d.err == nil && end-int(pos) < prefix {
		d.fail("names shorter than their prefix")
	}
	if d.err != nil {
		return nil
	}
	joined := t.text[int(pos)+prefix : end]
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

// span reads the length of what stands in the text at pos (a length in the
// text, not in the encoding: it may be longer) and returns where it ends.
func (d *decoder) span(t *Tree, pos Pos) int {
	u := d.uvarint()
	if d.err == nil && u > uint64(len(t.text)-int(pos)) {
		d.fail("%d bytes past the text's end", u)
	}
	if d.err != nil {
		return int(pos)
	}
	return int(pos) + int(u)
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
	l, _ := d.optional(NodeList, "a list").(*ListNode)
	return l
}

func (d *decoder) pipe() *PipeNode {
	p, _ := d.optional(NodePipe, "a pipeline").(*PipeNode)
	return p
}

// optional reads a node of kind want that may be absent (a 0 byte, as
// encoder.list and encoder.pipe write one).
func (d *decoder) optional(want NodeType, what string) Node {
	if d.err != nil {
		return nil
	}
	if d.i < len(d.b) && d.b[d.i] == 0 {
		d.i++
		return nil
	}
	if n := d.node(); n != nil && n.Type() == want {
		return n
	}
	d.fail("%s expected", what)
	return nil
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
	end := d.span(t, pos)
	if d.err != nil {
		return nil
	}
	x := d.textNodes.one()
	*x = TextNode{tr: t, NodeType: NodeText, Pos: pos, Text: d.textBytes()[pos:end:end]}
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
		quoted = t.text[pos:d.span(t, pos)]
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
