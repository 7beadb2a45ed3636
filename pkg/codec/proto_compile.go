package codec

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// A Protobuf schema of the registry is .proto source. It is compiled once
// per schema id with protocompile (its imports resolved from the schema's
// references, fetched through the registry, and the well-known types
// bundled with protocompile), and each message type a record names (the
// message-index array) is compiled once into a tree of pbMsg that the
// decoder (proto_decode.go) walks over the wire bytes with protowire.
// Names are flattened like JSON and Avro: "a.b", repeated items "a.0", map
// values "m.key".

// Bounds of a Protobuf schema (beyond the registry's own answer bounds).
const (
	// maxProtoSourceBytes bounds the .proto text of one schema id, its
	// references included.
	maxProtoSourceBytes = 1 << 20
	// maxProtoNestingSource bounds how deep braces nest in .proto text
	// (messages in messages, option values).
	maxProtoNestingSource = 64
	// maxProtoFields bounds the fields one compiled message tree holds.
	maxProtoFields = 20000
)

// protoSchema is one compiled PROTOBUF schema id. Its message programs
// are made on first use, per message-index path.
type protoSchema struct {
	id    int
	file  protoreflect.FileDescriptor
	mu    sync.Mutex
	progs map[string]*protoProgram
}

// protoProgram is the compiled tree of one message type. Immutable, shared.
type protoProgram struct {
	root  *pbMsg
	names []string // static full names by slot
	name  string   // the message's full name
	id    int
}

// compileProto compiles a PROTOBUF schema and, first, its references.
func (r *Registry) compileProto(ctx context.Context, id int, s sr.Schema) (*protoSchema, error) {
	srcs := map[string]string{}
	total := len(s.Schema)
	walk := &refWalk{seen: map[string]bool{}}
	err := r.fetchRefs(ctx, s.References, 0, walk, func(ref sr.SchemaReference, ss sr.SubjectSchema) error {
		if ss.Type != sr.TypeProtobuf {
			return fmt.Errorf("referenced schema %s (imported as %q) is %s, not PROTOBUF", ref.Subject, ref.Name, ss.Type)
		}
		if total += len(ss.Schema.Schema); total > maxProtoSourceBytes {
			return fmt.Errorf("the schema and its references are more than %d bytes of .proto text", maxProtoSourceBytes)
		}
		srcs[ref.Name] = ss.Schema.Schema
		return nil
	})
	if err != nil {
		return nil, err
	}
	return compileProtoSources(ctx, id, s.Schema, srcs)
}

// compileProtoSources compiles root (the schema of id) with imports srcs
// (import path -> .proto text).
func compileProtoSources(ctx context.Context, id int, root string, srcs map[string]string) (*protoSchema, error) {
	if len(root) > maxProtoSourceBytes {
		return nil, fmt.Errorf("the schema is more than %d bytes of .proto text", maxProtoSourceBytes)
	}
	name := fmt.Sprintf("pitwall-schema-id-%d.proto", id)
	all := make(map[string]string, len(srcs)+1)
	for k, v := range srcs {
		all[k] = v
	}
	all[name] = root
	for path, src := range all {
		if d := braceDepth(src); d > maxProtoNestingSource {
			return nil, fmt.Errorf("%s nests declarations %d deep (at most %d)", protoFileName(path, name), d, maxProtoNestingSource)
		}
	}
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(all),
		}),
		MaxParallelism: 1,
	}
	files, err := c.Compile(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("the .proto schema does not compile: %s", clip(strings.ReplaceAll(err.Error(), name, "schema"), 300))
	}
	fd := files[0]
	if fd.Messages().Len() == 0 {
		return nil, fmt.Errorf("the .proto schema defines no message")
	}
	return &protoSchema{id: id, file: fd, progs: map[string]*protoProgram{}}, nil
}

func protoFileName(path, root string) string {
	if path == root {
		return "the schema"
	}
	return "import " + strconv.Quote(path)
}

// braceDepth is how deep {, [, ( and < nest in src (an upper bound: braces
// in strings and comments count too).
func braceDepth(src string) int {
	d, top := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{', '[', '(', '<':
			if d++; d > top {
				top = d
			}
		case '}', ']', ')', '>':
			if d > 0 {
				d--
			}
		}
	}
	return top
}

// program returns the compiled message named by the message-index path.
func (s *protoSchema) program(path []int) (*protoProgram, error) {
	var key []byte
	for i, p := range path {
		if i > 0 {
			key = append(key, '.')
		}
		key = strconv.AppendInt(key, int64(p), 10)
	}
	s.mu.Lock()
	p := s.progs[string(key)]
	s.mu.Unlock()
	if p != nil {
		return p, nil
	}
	md, err := s.message(path)
	if err != nil {
		return nil, err
	}
	c := &pbCompiler{slots: map[string]int32{}, stack: map[protoreflect.FullName]*pbMsg{}}
	root, err := c.message(md, "", false)
	if err != nil {
		return nil, decErr(ErrBadSchema, err, "schema id %d message %s cannot be decoded", s.id, md.FullName())
	}
	p = &protoProgram{root: root, names: c.names, name: string(md.FullName()), id: s.id}
	s.mu.Lock()
	if len(s.progs) < 256 {
		s.progs[string(key)] = p
	}
	s.mu.Unlock()
	return p, nil
}

// message finds the message type of a message-index path.
func (s *protoSchema) message(path []int) (protoreflect.MessageDescriptor, error) {
	msgs := s.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range path {
		if i >= msgs.Len() {
			return nil, decErr(ErrProtobufInvalid, nil, "message index %v is not a message of schema id %d", path, s.id)
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md, nil
}

// Well-known types decoded as one value.
type wktKind uint8

const (
	wktNone      wktKind = iota
	wktTimestamp         // google.protobuf.Timestamp: a time
	wktDuration          // google.protobuf.Duration: seconds
	wktWrapper           // google.protobuf.*Value: its value, null when absent
)

func wktOf(md protoreflect.MessageDescriptor) wktKind {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return wktTimestamp
	case "google.protobuf.Duration":
		return wktDuration
	case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
		"google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
		"google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue":
		return wktWrapper
	}
	return wktNone
}

// pbMsg is one message type at one place of the tree.
type pbMsg struct {
	fields   []pbField
	byNum    []int16 // field number -> index+1, for numbers below len(byNum)
	more     map[protoreflect.FieldNumber]int
	wkt      wktKind
	defaults bool // some fields read as zero when absent (proto3 implicit presence)
	lists    bool // some fields are repeated (items are counted per message)
}

// pbField is one field of a pbMsg.
type pbField struct {
	num      protoreflect.FieldNumber
	kind     protoreflect.Kind
	name     string // local name
	full     string // full flattened name ("" below a dynamic point)
	slot     int32  // index of full in the program's names; -1: dynamic
	list     bool   // repeated (not a map)
	isMap    bool
	implicit bool // singular scalar without presence: absent means zero
	// fast: a singular scalar with a static name; wire is the wire type
	// its values are written with (the decoder's hot path).
	fast     bool
	wire     protowire.Type
	msg      *pbMsg
	ref      bool // msg is a message being compiled above (recursion): names are dynamic below
	key, val *pbField
	enum     [][]byte                           // enum value names by number (dense, from 0)
	enumMore map[protoreflect.EnumNumber][]byte // the other numbers
}

// enumName returns the name of enum value n (nil: not a value of the enum).
func (f *pbField) enumName(n protoreflect.EnumNumber) []byte {
	if n >= 0 && int(n) < len(f.enum) && f.enum[n] != nil {
		return f.enum[n]
	}
	return f.enumMore[n]
}

type pbCompiler struct {
	names []string
	slots map[string]int32
	n     int
	stack map[protoreflect.FullName]*pbMsg
}

// message compiles md at full name prefix (dyn: names below are built at
// run time).
func (c *pbCompiler) message(md protoreflect.MessageDescriptor, prefix string, dyn bool) (*pbMsg, error) {
	m := &pbMsg{wkt: wktOf(md)}
	c.stack[md.FullName()] = m
	defer delete(c.stack, md.FullName())
	fds := md.Fields()
	maxNum := protoreflect.FieldNumber(0)
	for i := 0; i < fds.Len(); i++ {
		maxNum = max(maxNum, fds.Get(i).Number())
	}
	m.byNum = make([]int16, min(int(maxNum)+1, 512))
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		f, err := c.field(fd, prefix, dyn)
		if err != nil {
			return nil, err
		}
		m.fields = append(m.fields, f)
		if int(fd.Number()) < len(m.byNum) {
			m.byNum[fd.Number()] = int16(i + 1) // #nosec G115 -- at most 512 fields are indexed here
		} else {
			if m.more == nil {
				m.more = map[protoreflect.FieldNumber]int{}
			}
			m.more[fd.Number()] = i
		}
		m.defaults = m.defaults || f.implicit
		m.lists = m.lists || f.list
	}
	return m, nil
}

func (c *pbCompiler) field(fd protoreflect.FieldDescriptor, prefix string, dyn bool) (pbField, error) {
	if c.n++; c.n > maxProtoFields {
		return pbField{}, fmt.Errorf("schema expands to more than %d fields", maxProtoFields)
	}
	f := pbField{num: fd.Number(), kind: fd.Kind(), name: string(fd.Name()), slot: -1,
		list: fd.IsList(), isMap: fd.IsMap()}
	if !dyn {
		f.full = join(prefix, f.name)
	}
	if ed := fd.Enum(); ed != nil {
		vals := ed.Values()
		for i := 0; i < vals.Len(); i++ {
			v := vals.Get(i)
			n, name := v.Number(), []byte(v.Name())
			switch {
			case n >= 0 && n < 256:
				for int(n) >= len(f.enum) {
					f.enum = append(f.enum, nil)
				}
				if f.enum[n] == nil {
					f.enum[n] = name
				}
			default:
				if f.enumMore == nil {
					f.enumMore = map[protoreflect.EnumNumber][]byte{}
				}
				if _, dup := f.enumMore[n]; !dup {
					f.enumMore[n] = name
				}
			}
		}
	}
	single := !f.list && !f.isMap
	f.implicit = single && !fd.HasPresence() && fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind
	// Below a repeated field or a map, names hold the index or the key.
	below := dyn || !single
	switch {
	case f.isMap:
		k, err := c.field(fd.MapKey(), "", true)
		if err != nil {
			return f, err
		}
		v, err := c.field(fd.MapValue(), "", true)
		if err != nil {
			return f, err
		}
		f.key, f.val = &k, &v
	case fd.Kind() == protoreflect.MessageKind:
		md := fd.Message()
		if cur, ok := c.stack[md.FullName()]; ok {
			f.msg, f.ref = cur, true
			break
		}
		// A well-known type is one value: its own fields are not named.
		sub, err := c.message(md, f.full, below || wktOf(md) != wktNone)
		if err != nil {
			return f, err
		}
		f.msg = sub
	}
	if !below && (f.kind != protoreflect.MessageKind || f.msg.wkt != wktNone) {
		s, ok := c.slots[f.full]
		if !ok {
			s = int32(len(c.names)) // #nosec G115 -- below maxProtoFields
			c.names = append(c.names, f.full)
			c.slots[f.full] = s
		}
		f.slot = s
	}
	f.wire = wireType(f.kind)
	f.fast = f.slot >= 0 && single && f.kind != protoreflect.MessageKind && f.kind != protoreflect.GroupKind
	return f, nil
}

// lookup returns the index of the field of number n, or -1 (an unknown
// field).
func (m *pbMsg) lookup(n protoreflect.FieldNumber) int {
	if n >= 0 && int(n) < len(m.byNum) {
		return int(m.byNum[n]) - 1
	}
	if i, ok := m.more[n]; ok {
		return i
	}
	return -1
}
