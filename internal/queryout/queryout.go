// Package queryout renders the JSON the SDK's autocli prints for a query response the way the
// Slush CLI shows it to operators (issue 19): proto `bytes` fields in hex, as every argument and
// document writes hashes, instead of base64; verifying keys summarised (size and sha256) instead
// of kilobytes of key; and a list field paged. It works on the JSON alone, guided by the
// response's proto descriptor, and keeps the fields in the order autocli printed them, so the
// result is still JSON a machine can read (`-o json`).
package queryout

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Doc is a parsed JSON document whose objects keep their members' order.
type Doc struct{ root any }

// member is one key of a JSON object.
type member struct {
	key string
	val any
}

// object is a JSON object in its printed order.
type object []member

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// get returns the value of key and its position, or -1.
func (o object) get(key string) (any, int) {
	for i, m := range o {
		if m.key == key {
			return m.val, i
		}
	}
	return nil, -1
}

// Parse reads one JSON document.
func Parse(in []byte) (*Doc, error) {
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	v, err := parseValue(dec)
	if err != nil {
		return nil, fmt.Errorf("query output is not JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("query output is not one JSON document")
	}
	return &Doc{root: v}, nil
}

// parseValue reads the next value from dec, objects as ordered objects.
func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	switch d {
	case '{':
		o := object{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, member{key: kt.(string), val: v})
		}
		_, err := dec.Token() // '}'
		return o, err
	case '[':
		a := []any{}
		for dec.More() {
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token() // ']'
		return a, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// JSON prints the document, indented by two spaces unless compact.
func (d *Doc) JSON(compact bool) ([]byte, error) {
	b, err := json.Marshal(d.root)
	if err != nil || compact {
		return b, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Options say how Hex renders bytes fields.
type Options struct {
	// FullKeys prints verifying keys in full (hex) instead of their size and sha256.
	FullKeys bool
}

// IsVerifyingKey reports whether a bytes field holds a circuit verifying key (named
// `verifying_key`, `..._verifying_key`, or x/validium's `leaf_step_key`), which Hex summarises.
func IsVerifyingKey(fd protoreflect.FieldDescriptor) bool {
	name := string(fd.Name())
	return name == "verifying_key" || strings.HasSuffix(name, "_verifying_key") || name == "leaf_step_key"
}

// KeySummary is how Hex prints a verifying key: its length and the sha256 of its bytes, in hex
// (`sha256sum ledger.vk` gives the same digest).
func KeySummary(key []byte) any {
	sum := sha256.Sum256(key)
	return object{{"bytes", json.Number(strconv.Itoa(len(key)))}, {"sha256", hex.EncodeToString(sum[:])}}
}

// Hex rewrites every bytes field of the response (of type md) from base64 to hex, in nested
// messages, lists and maps too; verifying keys become a KeySummary unless opts.FullKeys. A
// member the descriptor does not name, a well-known type (google.protobuf.*) and a string that
// is not base64 are left as printed.
func (d *Doc) Hex(md protoreflect.MessageDescriptor, opts Options) {
	d.root = hexMessage(d.root, md, opts)
}

// hexMessage rewrites the members of one message object.
func hexMessage(v any, md protoreflect.MessageDescriptor, opts Options) any {
	o, ok := v.(object)
	if !ok || strings.HasPrefix(string(md.FullName()), "google.protobuf.") {
		return v
	}
	for i, m := range o {
		fd := fieldByKey(md, m.key)
		if fd == nil {
			continue
		}
		switch {
		case fd.IsList():
			if a, ok := m.val.([]any); ok {
				for j := range a {
					a[j] = hexValue(a[j], fd, opts)
				}
			}
		case fd.IsMap():
			if mo, ok := m.val.(object); ok {
				for j := range mo {
					mo[j].val = hexValue(mo[j].val, fd.MapValue(), opts)
				}
			}
		default:
			o[i].val = hexValue(m.val, fd, opts)
		}
	}
	return o
}

// hexValue rewrites one value of field fd (a list element, a map value or a singular field).
func hexValue(v any, fd protoreflect.FieldDescriptor, opts Options) any {
	switch fd.Kind() {
	case protoreflect.BytesKind:
		s, ok := v.(string)
		if !ok {
			return v
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return v
		}
		if IsVerifyingKey(fd) && !opts.FullKeys {
			return KeySummary(b)
		}
		return hex.EncodeToString(b)
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return hexMessage(v, fd.Message(), opts)
	}
	return v
}

// fieldByKey finds the field a JSON member names: its proto name (autocli's amino JSON) or its
// JSON name.
func fieldByKey(md protoreflect.MessageDescriptor, key string) protoreflect.FieldDescriptor {
	if fd := md.Fields().ByName(protoreflect.Name(key)); fd != nil {
		return fd
	}
	return md.Fields().ByJSONName(key)
}

// Page keeps, of the list member field of the top-level object (oldest entry first, each an
// object with an unsigned member heightKey), the newest limit entries whose height is below
// before (0: no bound; limit 0: all), and adds the member field+"_total" (how many the response
// held) after it. It returns how many entries the response held and how many it kept; a
// document without the list keeps everything.
func (d *Doc) Page(field, heightKey string, limit int, before uint64) (total, kept int) {
	o, ok := d.root.(object)
	if !ok {
		return 0, 0
	}
	v, i := o.get(field)
	a, ok := v.([]any)
	if i < 0 || !ok {
		a = []any{}
		if i < 0 {
			o = append(o, member{key: field, val: a})
			i = len(o) - 1
		}
	}
	total = len(a)
	var keep []any
	for _, e := range a {
		if before > 0 {
			eo, _ := e.(object)
			h, _ := eo.get(heightKey)
			if n, err := strconv.ParseUint(fmt.Sprint(h), 10, 64); err != nil || n >= before {
				continue
			}
		}
		keep = append(keep, e)
	}
	if limit > 0 && len(keep) > limit {
		keep = keep[len(keep)-limit:]
	}
	if keep == nil {
		keep = []any{}
	}
	o[i].val = keep
	totalKey := field + "_total"
	if _, j := o.get(totalKey); j >= 0 {
		o[j].val = json.Number(strconv.Itoa(total))
	} else {
		o = append(o[:i+1], append(object{{totalKey, json.Number(strconv.Itoa(total))}}, o[i+1:]...)...)
	}
	d.root = o
	return total, len(keep)
}
