#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Add the spec's struct definitions to the uapi header ynl-gen-c.py made.

6.12's ynl-gen-c.py --mode uapi writes a family's enums, attribute sets,
commands and groups, but not the structs of its definitions (ynl's
cli.py decodes them from the spec alone). tcpsm's event record is such a
struct, and C needs it: this writes each struct definition of the spec
(scope uapi, no header of its own) as a C struct with its kernel-doc,
before the header's closing #endif, in the generator's style, and the
#include <linux/types.h> they need after the include guard.

The layout is the spec's, member after member, as ynl's decoder reads it:
a member that a C compiler would pad before, or a struct whose size is
not a multiple of its largest member, is refused (add a pad member).

    scripts/uapi-structs.py SPEC HEADER     (rewrites HEADER in place)
"""
import sys

import yaml

SCALARS = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8,
           's8': 1, 's16': 2, 's32': 4, 's64': 8}


def c_name(name):
    return name.replace('-', '_')


def doc_lines(text, first):
    """kernel-doc lines: first, then text, wrapped as ynl-gen-c wraps."""
    out, line = [], ' * ' + first
    for word in (text or '').split():
        if len(line) + len(word) >= 79:
            out.append(line)
            line = ' *  '
        line += ' ' + word
    out.append(line)
    return out


def member_c(m):
    """(C declaration, size, alignment) of one struct member."""
    kind, name = m['type'], c_name(m['name'])
    if kind in SCALARS:
        size = SCALARS[kind]
        ctype = f'__{kind}'
        if m.get('byte-order') == 'big-endian' and kind.startswith('u') \
                and size > 1:
            ctype = f'__be{size * 8}'
        return f'{ctype} {name};', size, size
    if kind in ('binary', 'pad') and 'len' in m and 'struct' not in m:
        return f"__u8 {name}[{m['len']}];", m['len'], 1
    sys.exit(f"uapi-structs: member {m['name']}: type {kind} not supported")


def render(family, st):
    prefix = family['name'] + '_'
    lines = ['/**']
    lines += doc_lines(st.get('doc', ''), f"struct {prefix}{c_name(st['name'])} -")
    for m in st['members']:
        if m['type'] != 'pad':
            lines += doc_lines(m.get('doc') or
                               (f"enum {prefix}{c_name(m['enum'])}"
                                if 'enum' in m else ''),
                               f"@{c_name(m['name'])}:")
    lines.append(' */')
    lines.append(f"struct {prefix}{c_name(st['name'])} {{")
    offset, largest = 0, 1
    for m in st['members']:
        decl, size, align = member_c(m)
        if offset % align:
            sys.exit(f"uapi-structs: {st['name']}.{m['name']} at offset "
                     f"{offset} would be padded: add a pad member")
        offset += size
        largest = max(largest, align)
        lines.append('\t' + decl)
    if offset % largest:
        sys.exit(f"uapi-structs: {st['name']} is {offset} bytes, not a "
                 f"multiple of {largest}: add a pad member")
    lines.append('};')
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: uapi-structs.py SPEC HEADER')
    with open(sys.argv[1]) as f:
        family = yaml.safe_load(f)
    structs = [d for d in family.get('definitions', [])
               if d['type'] == 'struct' and not d.get('header') and
               d.get('scope', 'uapi') == 'uapi']
    with open(sys.argv[2]) as f:
        text = f.read().splitlines()
    end = max(i for i, line in enumerate(text) if line.startswith('#endif'))
    add = []
    for st in structs:
        add += render(family, st) + ['']
    text[end:end] = add
    if structs:
        # after the include guard's #define: the structs' __u64 and kin
        guard = next(i for i, line in enumerate(text)
                     if line.startswith('#define _UAPI_'))
        text[guard + 1:guard + 1] = ['', '#include <linux/types.h>']
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(text) + '\n')


if __name__ == '__main__':
    main()
