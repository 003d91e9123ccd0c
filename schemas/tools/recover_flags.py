#!/usr/bin/env python3
"""Recover the `sensitive` and `deprecated` schema flags of a Terraform
provider from its Go source, and write them into tfsynth's schema files;
and, for every resource type, which attribute paths force replacement.

The schema files in `schemas/` were recovered from CDK for Terraform
bindings, which keep neither flag. This tool reads the provider's Go source
at a pinned tag straight out of a bare git directory (nothing is checked out
or built), evaluates the provider's schema-building code with a small
interpreter for the subset of Go that such code uses, and converts what it
finds the way the provider's own SDK does when it answers
`terraform providers schema -json`:

* terraform-plugin-sdk/v2 (`helper/schema`), following `core_schema.go`:
  an attribute is sensitive when its `schema.Schema` has `Sensitive: true`
  and deprecated when `Deprecated` is non-empty; a nested block
  (`Elem: &schema.Resource{...}`) is deprecated when its `Deprecated` is
  non-empty (`Sensitive` on a block is dropped by the SDK); a resource or
  data source whose `DeprecationMessage` is non-empty has its top-level
  block deprecated; a computed-only `Elem: &schema.Resource` (or a map of
  them, or `ConfigMode: SchemaConfigModeAttr`) becomes one attribute of
  object type, so flags inside it cannot be represented and are dropped;
* terraform-plugin-framework (`Sensitive`, `DeprecationMessage` on
  attributes, `DeprecationMessage` on blocks and schemas);
* terraform-plugin-go `tfprotov5` schemas written by hand (`Sensitive`,
  `Deprecated` booleans), as the kubernetes provider's manifest server does.

What forces replacement is recovered from the same evaluation, for resources
only: SDKv2 `ForceNew: true` on an attribute, or on a nested block (which the
SDK applies to the number of blocks; the attributes inside carry their own),
and the framework's `<x>planmodifier.RequiresReplace()` plan modifiers
(`RequiresReplaceIf(...)` and `RequiresReplaceIfConfigured()` are marked
conditional). `ForceNew` on the element schema of a collection is replaced
by the collection's own in the SDK and is reported as dropped. Replacement
that code decides (CustomizeDiff calling ResourceDiff.ForceNew or built with
customdiff.ForceNewIf/ForceNewIfChange, `RequiresReplace` set by a plan
modifier written in the provider, a framework ModifyPlan or a tfprotov5
PlanResourceChange) cannot be evaluated: every such source line is listed,
with its key expression and the resource types that reach it, and nothing
is guessed from it.

Types are found through the provider's registration maps (the SDK
provider's `ResourcesMap` / `DataSourcesMap`, the framework provider's
`Resources` / `DataSources`, a raw tfprotov5 server's `GetProviderSchema`),
starting from the entry points listed in PROVIDERS below, so every helper
on the way (schemas built by helper functions, data sources derived from
resource schemas, merged IAM schemas, ...) is executed as written at that
tag, including what it does or does not copy of the flags.

Every recovered flag and replacing path is checked against the schema file:
its type must exist, and its path must exist there as the same kind
(attribute or block). Anything that does not match, every flag the SDK
drops, every source line that sets a flag but was never reached from a
registered type, and every place where the interpreter could not decide
something are reported.

Usage (Python 3.11, standard library only), from the repository root:

    python3 schemas/tools/recover_flags.py google \\
        --git-dir /work/.mirror/hashicorp+terraform-provider-google/repo
    python3 schemas/tools/recover_flags.py kubernetes \\
        --git-dir /work/.mirror/hashicorp+terraform-provider-kubernetes/repo

The git directory is any clone (bare or not) of the provider's repository
that has the tag named in PROVIDERS (`--ref` overrides it). Without
`--write` the tool only reports. With `--write` it adds the flags to
`schemas/<provider>.json` (keeping every other byte, its compact formatting
and terraform's key order), writes the provenance file
`schemas/flags/<provider>-<version>.json` and the table of replacing paths
`schemas/flags/requires-replace-<provider>.tsv` that tfsynth embeds; run
`tfsynth schemas index` afterwards. `--check` exits non-zero unless all three
files already hold exactly what the source says. `--verbose` lists every
undecided branch and every replacement decided by code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import OrderedDict

# ---------------------------------------------------------------------------
# Providers: where each one's source lives and where its schemas start.
# ---------------------------------------------------------------------------

SDK = "github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
FW = "github.com/hashicorp/terraform-plugin-framework"
FW_SCHEMA_PKGS = (
    FW + "/datasource/schema",
    FW + "/resource/schema",
    FW + "/provider/schema",
)
PROTO5 = "github.com/hashicorp/terraform-plugin-go/tfprotov5"
CUSTOMDIFF = "github.com/hashicorp/terraform-plugin-sdk/v2/helper/customdiff"
# The framework's plan modifier packages (stringplanmodifier, listplanmodifier, ...).
FW_PLANMOD = re.compile(re.escape(FW) + r"/resource/schema/(\w+planmodifier)\.(\w+)$")

PROVIDERS = {
    "google": {
        "address": "registry.terraform.io/hashicorp/google",
        "repository": "https://github.com/hashicorp/terraform-provider-google",
        "version": "6.50.0",
        "ref": "v6.50.0",
        "schema_file": "google.json",
        "module": "github.com/hashicorp/terraform-provider-google",
        "source_dirs": ["google/"],
        # The servers in the order main.go gives them to tf5muxserver.
        "servers": [
            {"kind": "sdk", "package": "google/provider", "func": "Provider",
             "where": "main.go: primary := provider.Provider()"},
            {"kind": "framework", "package": "google/fwprovider", "func": "New",
             "where": "main.go: providerserver.NewProtocol5(fwprovider.New(primary))"},
        ],
    },
    "kubernetes": {
        "address": "registry.terraform.io/hashicorp/kubernetes",
        "repository": "https://github.com/hashicorp/terraform-provider-kubernetes",
        "version": "2.38.0",
        "ref": "v2.38.0",
        "schema_file": "kubernetes.json",
        "module": "github.com/hashicorp/terraform-provider-kubernetes",
        "source_dirs": ["kubernetes/", "manifest/", "internal/", "util/"],
        "servers": [
            {"kind": "sdk", "package": "kubernetes", "func": "Provider",
             "where": "internal/mux/mux.go: kubernetes.Provider()"},
            {"kind": "proto5", "package": "manifest/provider",
             "recv": "RawProviderServer", "method": "GetProviderSchema",
             "where": "internal/mux/mux.go: manifest.Provider()"},
            {"kind": "framework", "package": "internal/framework/provider", "func": "New",
             "where": "internal/mux/mux.go: framework.New(v, kubernetesProvider.Meta)"},
        ],
    },
}

# ---------------------------------------------------------------------------
# Lexer
# ---------------------------------------------------------------------------

TOKEN_RE = re.compile(
    r"""
 (?P<ws>[ \t\r\f]+)
|(?P<nl>\n)
|(?P<lc>//[^\n]*)
|(?P<bc>/\*.*?\*/)
|(?P<raw>`[^`]*`)
|(?P<str>"(?:\\.|[^"\\\n])*")
|(?P<char>'(?:\\.|[^'\\\n])+')
|(?P<num>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?i?)
|(?P<id>[^\W\d]\w*)
|(?P<op>\.\.\.|<<=|>>=|&\^=|&&|\|\||<-|\+\+|--|==|!=|<=|>=|:=|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|&\^|[-+*/%&|^<>=!(){}\[\],;:.~])
""",
    re.X | re.S,
)

KEYWORDS = {
    "break", "case", "chan", "const", "continue", "default", "defer", "else",
    "fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
    "map", "package", "range", "return", "select", "struct", "switch", "type",
    "var",
}
SEMI_AFTER_KW = {"break", "continue", "fallthrough", "return"}
SEMI_AFTER_OP = {")", "]", "}", "++", "--"}

_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
            "v": "\v", "\\": "\\", "'": "'", '"': '"'}


def unquote(s: str) -> str:
    """The value of a Go interpreted string literal body (without quotes)."""
    if "\\" not in s:
        return s
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        elif e == "x":
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
        elif e == "u":
            out.append(chr(int(s[i + 2:i + 6], 16)))
            i += 6
        elif e == "U":
            out.append(chr(int(s[i + 2:i + 10], 16)))
            i += 10
        elif e in "01234567":
            out.append(chr(int(s[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(e)
            i += 2
    return "".join(out)


class Tok:
    __slots__ = ("kind", "val", "line")

    def __init__(self, kind, val, line):
        self.kind = kind  # id kw str num char op eof
        self.val = val
        self.line = line

    def __repr__(self):
        return f"{self.kind}:{self.val!r}@{self.line}"


def lex(text: str) -> list:
    toks = []
    line = 1
    last = None
    append = toks.append
    for m in TOKEN_RE.finditer(text):
        k = m.lastgroup
        v = m.group()
        if k == "ws" or k == "lc":
            continue
        if k == "nl" or (k == "bc" and "\n" in v):
            if last is not None and (
                last.kind in ("id", "str", "num", "char")
                or (last.kind == "kw" and last.val in SEMI_AFTER_KW)
                or (last.kind == "op" and last.val in SEMI_AFTER_OP)
            ):
                append(Tok("op", ";", line))
            last = None
            line += v.count("\n")
            continue
        if k == "bc":
            continue
        if k == "raw":
            t = Tok("str", v[1:-1].replace("\r", ""), line)
            line += v.count("\n")
        elif k == "str":
            t = Tok("str", unquote(v[1:-1]), line)
        elif k == "id":
            t = Tok("kw" if v in KEYWORDS else "id", v, line)
        else:
            t = Tok(k, v, line)
        append(t)
        last = t
    append(Tok("op", ";", line))
    append(Tok("eof", "", line))
    return toks


# ---------------------------------------------------------------------------
# Parser: a recursive-descent parser for Go, complete enough for
# schema-building code. Function bodies are parsed on first use.
# ---------------------------------------------------------------------------


class ParseError(Exception):
    pass


class N:
    """An AST node: `k` is its kind, `line` its line, the rest are fields."""

    __slots__ = ("k", "line", "a", "b", "c", "d")

    def __init__(self, k, line, a=None, b=None, c=None, d=None):
        self.k = k
        self.line = line
        self.a = a
        self.b = b
        self.c = c
        self.d = d

    def __repr__(self):
        return f"N({self.k}@{self.line}: {self.a!r}, {self.b!r}, {self.c!r})"


class FuncDecl:
    __slots__ = ("name", "recv", "recv_name", "params", "results", "body_range", "file", "line", "_body")

    def __init__(self, name, recv, params, results, body_range, file, line, recv_name=None):
        self.name = name
        self.recv = recv  # receiver base type name or None
        self.recv_name = recv_name
        self.params = params  # list of (name|None, type, variadic)
        self.results = results  # list of (name|None, type, False)
        self.body_range = body_range  # (start, end) token indexes of { ... }
        self.file = file
        self.line = line
        self._body = None

    def body(self):
        if self._body is None:
            if self.body_range is None:
                self._body = []
            else:
                s, e = self.body_range
                p = Parser(self.file.toks, self.file, s)
                self._body = p.parse_block_stmts()
        return self._body


BINARY_PREC = {
    "||": 1, "&&": 2,
    "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
    "+": 4, "-": 4, "|": 4, "^": 4,
    "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5, "&^": 5,
}
ASSIGN_OPS = {"=", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "&^="}


class Parser:
    def __init__(self, toks, file, pos=0):
        self.t = toks
        self.p = pos
        self.file = file
        self.lev = 0  # like go/parser's exprLev: < 0 in control clauses

    # -- token helpers --
    def tok(self, o=0):
        return self.t[self.p + o]

    def is_(self, val, o=0):
        t = self.t[self.p + o]
        return t.val == val and t.kind in ("op", "kw")

    def next(self):
        t = self.t[self.p]
        self.p += 1
        return t

    def expect(self, val):
        t = self.t[self.p]
        if t.val != val or t.kind not in ("op", "kw"):
            raise ParseError(f"{self.file.name}:{t.line}: expected {val!r}, found {t.val!r}")
        self.p += 1
        return t

    def ident(self):
        t = self.t[self.p]
        if t.kind != "id":
            raise ParseError(f"{self.file.name}:{t.line}: expected identifier, found {t.val!r}")
        self.p += 1
        return t.val

    def skip_semis(self):
        while self.is_(";"):
            self.p += 1

    def skip_balanced(self):
        """Skip a bracketed group starting at the current ( [ or {."""
        open_ = self.tok().val
        close = {"(": ")", "[": "]", "{": "}"}[open_]
        depth = 0
        while True:
            t = self.next()
            if t.kind == "eof":
                raise ParseError(f"{self.file.name}: unbalanced {open_}")
            if t.kind == "op":
                if t.val in "([{":
                    depth += 1
                elif t.val in ")]}":
                    depth -= 1
                    if depth == 0:
                        if t.val != close:
                            raise ParseError(f"{self.file.name}:{t.line}: mismatched {t.val}")
                        return

    # -- file level --
    def parse_file(self):
        self.skip_semis()
        self.expect("package")
        pkgname = self.ident()
        self.skip_semis()
        imports = {}
        while self.is_("import"):
            self.next()
            if self.is_("("):
                self.next()
                self.skip_semis()
                while not self.is_(")"):
                    self._import_spec(imports)
                    self.skip_semis()
                self.next()
            else:
                self._import_spec(imports)
            self.skip_semis()
        decls = []
        while self.tok().kind != "eof":
            t = self.tok()
            if t.kind == "kw" and t.val == "func":
                decls.append(("func", self.parse_func_decl()))
            elif t.kind == "kw" and t.val in ("var", "const"):
                self.next()
                for spec in self.parse_value_specs(t.val):
                    decls.append((t.val, spec))
            elif t.kind == "kw" and t.val == "type":
                self.next()
                for spec in self.parse_type_specs():
                    decls.append(("type", spec))
            elif t.kind == "kw" and t.val == "import":
                self.next()
                if self.is_("("):
                    self.skip_balanced()
                else:
                    self._import_spec(imports)
            else:
                raise ParseError(f"{self.file.name}:{t.line}: unexpected {t.val!r} at top level")
            self.skip_semis()
        return pkgname, imports, decls

    def _import_spec(self, imports):
        alias = None
        if self.tok().kind == "id" or self.is_("."):
            alias = self.next().val
        t = self.next()
        if t.kind != "str":
            raise ParseError(f"{self.file.name}:{t.line}: bad import")
        path = t.val
        if alias is None:
            alias = default_package_name(path)
        imports[alias] = path

    def parse_func_decl(self):
        line = self.expect("func").line
        recv = recv_name = None
        if self.is_("("):
            rparams = self.parse_params()
            if rparams:
                recv = base_type_name(rparams[0][1])
                recv_name = rparams[0][0]
        name = self.ident()
        if self.is_("["):
            self.skip_balanced()  # type parameters
        params = self.parse_params()
        results = self.parse_results()
        body = None
        if self.is_("{"):
            s = self.p
            self.skip_balanced()
            body = (s, self.p)
        return FuncDecl(name, recv, params, results, body, self.file, line, recv_name)

    def parse_results(self):
        if self.is_("("):
            return self.parse_params()
        if self.is_("{") or self.is_(";") or self.is_(")") or self.is_(",") or self.is_("]") or self.is_("}") or self.is_(":"):
            return []
        if self.tok().kind == "str":
            return []
        return [(None, self.parse_type(), False)]

    def parse_params(self):
        self.expect("(")
        entries = []  # list of (ident|None, type|None, variadic)
        while not self.is_(")"):
            variadic = False
            if self.is_("..."):
                self.next()
                variadic = True
                entries.append((None, self.parse_type(), True))
            elif self.tok().kind == "id" and not self.is_(".", 1):
                name = self.next().val
                if self.is_(",") or self.is_(")"):
                    entries.append((name, None, False))
                else:
                    if self.is_("..."):
                        self.next()
                        variadic = True
                    if self.is_("[") and not self.is_("]", 1):
                        # generic type instantiation of a named type: T[int]
                        self.skip_balanced()
                        entries.append((None, N("name", 0, None, name), False))
                    else:
                        entries.append((name, self.parse_type(), variadic))
            else:
                entries.append((None, self.parse_type(), False))
            if self.is_(","):
                self.next()
                self.skip_semis()
            else:
                self.skip_semis()
                if not self.is_(")"):
                    raise ParseError(f"{self.file.name}:{self.tok().line}: bad parameter list")
        self.next()
        named = any(n is not None and t is not None for n, t, _ in entries)
        out = []
        if named:
            pending = []
            for n, t, v in entries:
                if t is None:
                    pending.append(n)
                else:
                    for pn in pending:
                        out.append((pn, t, v))
                    pending = []
                    out.append((n, t, v))
            for pn in pending:
                out.append((pn, N("name", 0, None, "?"), False))
        else:
            for n, t, v in entries:
                out.append((None, t if t is not None else N("name", 0, None, n), v))
        return out

    def parse_value_specs(self, kw):
        specs = []
        if self.is_("("):
            self.next()
            self.skip_semis()
            prev = None
            iota = 0
            while not self.is_(")"):
                spec = self.parse_value_spec()
                if kw == "const":
                    if spec[2] is None and prev is not None:
                        spec = (spec[0], prev[1], prev[2], spec[3])
                    spec = spec + (iota,)
                    prev = spec
                    iota += 1
                else:
                    spec = spec + (0,)
                specs.append(spec)
                self.skip_semis()
            self.next()
        else:
            specs.append(self.parse_value_spec() + (0,))
        return specs

    def parse_value_spec(self):
        line = self.tok().line
        names = [self.ident()]
        while self.is_(","):
            self.next()
            names.append(self.ident())
        typ = None
        if not self.is_("=") and not self.is_(";") and not self.is_(")"):
            typ = self.parse_type()
        values = None
        if self.is_("="):
            self.next()
            values = self.parse_expr_list()
        return (names, typ, values, line)

    def parse_type_specs(self):
        specs = []
        if self.is_("("):
            self.next()
            self.skip_semis()
            while not self.is_(")"):
                specs.append(self.parse_type_spec())
                self.skip_semis()
            self.next()
        else:
            specs.append(self.parse_type_spec())
        return specs

    def parse_type_spec(self):
        name = self.ident()
        if self.is_("[") and not self.is_("]", 1):
            # generic type parameters (or an array type: "type A [4]int")
            save = self.p
            self.skip_balanced()
            if self.is_(";"):
                self.p = save
        if self.is_("="):
            self.next()
        typ = self.parse_type()
        return (name, typ)

    # -- types --
    def parse_type(self):
        t = self.tok()
        line = t.line
        if t.kind == "id":
            self.next()
            if self.is_("."):
                self.next()
                sel = self.ident()
                typ = N("name", line, t.val, sel)
            else:
                typ = N("name", line, None, t.val)
            if self.is_("[") and not self.is_("]", 1):
                self.skip_balanced()  # type arguments
            return typ
        if t.kind == "op":
            if t.val == "*":
                self.next()
                return N("ptr", line, self.parse_type())
            if t.val == "[":
                self.next()
                if self.is_("]"):
                    self.next()
                    return N("slice", line, self.parse_type())
                if self.is_("..."):
                    self.next()
                    self.expect("]")
                    return N("array", line, None, self.parse_type())
                n = self.parse_expr()
                self.expect("]")
                return N("array", line, n, self.parse_type())
            if t.val == "(":
                self.next()
                typ = self.parse_type()
                self.expect(")")
                return typ
            if t.val == "<-":
                self.next()
                self.expect("chan")
                return N("chan", line, self.parse_type())
        if t.kind == "kw":
            if t.val == "map":
                self.next()
                self.expect("[")
                k = self.parse_type()
                self.expect("]")
                return N("map", line, k, self.parse_type())
            if t.val == "chan":
                self.next()
                if self.is_("<-"):
                    self.next()
                return N("chan", line, self.parse_type())
            if t.val == "func":
                self.next()
                params = self.parse_params()
                results = self.parse_results()
                return N("functype", line, params, results)
            if t.val in ("struct", "interface"):
                self.next()
                s = self.p
                self.skip_balanced()
                return N(t.val, line, (s, self.p))
        raise ParseError(f"{self.file.name}:{line}: expected type, found {t.val!r}")

    # -- expressions --
    def parse_expr_list(self):
        xs = [self.parse_expr()]
        while self.is_(","):
            self.next()
            xs.append(self.parse_expr())
        return xs

    def parse_expr(self, prec=1):
        x = self.parse_unary()
        while True:
            t = self.tok()
            if t.kind != "op":
                return x
            p = BINARY_PREC.get(t.val)
            if p is None or p < prec:
                return x
            self.next()
            y = self.parse_expr(p + 1)
            x = N("binary", t.line, t.val, x, y)

    def parse_unary(self):
        t = self.tok()
        if t.kind == "op" and t.val in ("+", "-", "!", "^", "&", "<-", "*"):
            self.next()
            if t.val == "<-" and self.is_("chan"):
                self.next()
                return N("type", t.line, N("chan", t.line, self.parse_type()))
            return N("unary", t.line, t.val, self.parse_unary())
        return self.parse_primary()

    def parse_operand(self):
        t = self.tok()
        line = t.line
        if t.kind == "id":
            self.next()
            return N("ident", line, t.val)
        if t.kind == "str":
            self.next()
            return N("lit", line, "str", t.val)
        if t.kind == "num":
            self.next()
            return N("lit", line, "num", t.val)
        if t.kind == "char":
            self.next()
            return N("lit", line, "char", t.val)
        if t.kind == "op" and t.val == "(":
            self.next()
            self.lev += 1
            x = self.parse_type_or_expr()
            self.lev -= 1
            self.expect(")")
            return N("paren", line, x)
        if t.kind == "kw" and t.val == "func":
            self.next()
            params = self.parse_params()
            results = self.parse_results()
            if self.is_("{"):
                s = self.p
                self.skip_balanced()
                fd = FuncDecl("func literal", None, params, results, (s, self.p), self.file, line)
                return N("funclit", line, fd)
            return N("type", line, N("functype", line, params, results))
        if (t.kind == "op" and t.val == "[") or (t.kind == "kw" and t.val in ("map", "chan", "struct", "interface")):
            return N("type", line, self.parse_type())
        raise ParseError(f"{self.file.name}:{line}: unexpected {t.val!r} in expression")

    def parse_type_or_expr(self):
        # A parenthesized pointer type, (*T)(x), parses as a dereference.
        return self.parse_expr()

    def parse_primary(self):
        x = self.parse_operand()
        while True:
            t = self.tok()
            if t.kind != "op":
                return x
            v = t.val
            if v == ".":
                self.next()
                if self.is_("("):
                    self.next()
                    if self.is_("type"):
                        self.next()
                        self.expect(")")
                        x = N("typeassert", t.line, x, None)
                    else:
                        typ = self.parse_type()
                        self.expect(")")
                        x = N("typeassert", t.line, x, typ)
                else:
                    x = N("selector", t.line, x, self.ident())
            elif v == "[":
                self.next()
                self.lev += 1
                idx = [None, None, None]
                n = 0
                colon = False
                if not self.is_(":"):
                    idx[0] = self.parse_type_or_expr_in_index()
                while self.is_(":") and n < 2:
                    colon = True
                    self.next()
                    n += 1
                    if not self.is_(":") and not self.is_("]"):
                        idx[n] = self.parse_expr()
                extra = []
                while self.is_(","):
                    self.next()
                    if self.is_("]"):
                        break
                    extra.append(self.parse_type_or_expr_in_index())
                self.lev -= 1
                self.expect("]")
                if colon:
                    x = N("slice", t.line, x, idx)
                else:
                    x = N("index", t.line, x, idx[0], extra)
            elif v == "(":
                self.next()
                self.lev += 1
                args = []
                ellipsis = False
                self.skip_semis()
                while not self.is_(")"):
                    args.append(self.parse_expr())
                    if self.is_("..."):
                        self.next()
                        ellipsis = True
                    if self.is_(","):
                        self.next()
                        self.skip_semis()
                    else:
                        self.skip_semis()
                        break
                self.lev -= 1
                self.expect(")")
                x = N("call", t.line, x, args, ellipsis)
            elif v == "{":
                if is_literal_type(x) and (self.lev >= 0 or not is_type_name(x)):
                    x = self.parse_composite(x)
                else:
                    return x
            else:
                return x

    def parse_type_or_expr_in_index(self):
        if self.is_("*") or self.tok().kind == "kw" or self.is_("["):
            t = self.tok()
            if t.kind == "kw" and t.val in ("map", "chan", "func", "struct", "interface") or self.is_("["):
                return N("type", t.line, self.parse_type())
        return self.parse_expr()

    def parse_composite(self, typ):
        line = self.expect("{").line
        self.lev += 1
        elts = []
        self.skip_semis()
        while not self.is_("}"):
            k = self.parse_element()
            if self.is_(":"):
                self.next()
                v = self.parse_element()
                elts.append((k, v))
            else:
                elts.append((None, k))
            if self.is_(","):
                self.next()
            self.skip_semis()
        self.lev -= 1
        self.expect("}")
        return N("composite", line, typ, elts)

    def parse_element(self):
        if self.is_("{"):
            return self.parse_composite(None)
        return self.parse_expr()

    # -- statements --
    def parse_block_stmts(self):
        self.expect("{")
        stmts = self.parse_stmt_list()
        self.expect("}")
        return stmts

    def parse_stmt_list(self):
        stmts = []
        self.skip_semis()
        while not (self.is_("}") or self.is_("case") or self.is_("default") or self.tok().kind == "eof"):
            stmts.append(self.parse_stmt())
            if self.is_(";"):
                self.skip_semis()
            elif not (self.is_("}") or self.is_("case") or self.is_("default")):
                raise ParseError(f"{self.file.name}:{self.tok().line}: expected ; found {self.tok().val!r}")
        return stmts

    def parse_stmt(self):
        t = self.tok()
        line = t.line
        if t.kind == "kw":
            v = t.val
            if v in ("var", "const"):
                self.next()
                return N("decl", line, v, self.parse_value_specs(v))
            if v == "type":
                self.next()
                self.parse_type_specs()
                return N("empty", line)
            if v == "return":
                self.next()
                xs = []
                if not self.is_(";") and not self.is_("}"):
                    xs = self.parse_expr_list()
                return N("return", line, xs)
            if v == "if":
                return self.parse_if()
            if v == "for":
                return self.parse_for()
            if v == "switch":
                return self.parse_switch()
            if v == "select":
                self.next()
                self.skip_balanced()
                return N("unsupported", line, "select")
            if v in ("go", "defer"):
                self.next()
                x = self.parse_expr()
                return N("godefer", line, v, x)
            if v in ("break", "continue", "goto", "fallthrough"):
                self.next()
                label = None
                if self.tok().kind == "id":
                    label = self.next().val
                return N("branch", line, v, label)
        if t.kind == "op" and t.val == "{":
            return N("block", line, self.parse_block_stmts())
        if t.kind == "op" and t.val == ";":
            return N("empty", line)
        if t.kind == "id" and self.is_(":", 1):
            label = self.next().val
            self.next()
            self.skip_semis()
            if self.is_("}"):
                return N("empty", line)
            return N("labeled", line, label, self.parse_stmt())
        return self.parse_simple_stmt()

    def parse_simple_stmt(self, range_ok=False):
        line = self.tok().line
        if range_ok and self.is_("range"):
            self.next()
            return N("range", line, [], None, self.parse_expr())
        lhs = self.parse_expr_list()
        t = self.tok()
        if t.kind == "op" and t.val in ASSIGN_OPS:
            self.next()
            if range_ok and self.is_("range") and t.val in ("=", ":="):
                self.next()
                return N("range", line, lhs, t.val, self.parse_expr())
            rhs = self.parse_expr_list()
            return N("assign", line, lhs, t.val, rhs)
        if t.kind == "op" and t.val in ("++", "--"):
            self.next()
            return N("incdec", line, lhs[0], t.val)
        if t.kind == "op" and t.val == "<-":
            self.next()
            self.parse_expr()
            return N("unsupported", line, "send")
        return N("expr", line, lhs[0])

    def parse_if(self):
        line = self.expect("if").line
        old = self.lev
        self.lev = -1
        init = None
        cond = None
        if not self.is_(";"):
            s = self.parse_simple_stmt()
        else:
            s = None
        if self.is_(";"):
            self.next()
            init = s
            cond = self.parse_expr()
        else:
            if s is None or s.k != "expr":
                raise ParseError(f"{self.file.name}:{line}: bad if condition")
            cond = s.a
        self.lev = old
        body = self.parse_block_stmts()
        els = None
        if self.is_("else"):
            self.next()
            if self.is_("if"):
                els = [self.parse_if()]
            else:
                els = self.parse_block_stmts()
        return N("if", line, init, cond, body, els)

    def parse_for(self):
        line = self.expect("for").line
        old = self.lev
        self.lev = -1
        init = cond = post = None
        rng = None
        if not self.is_("{"):
            s1 = None
            if not self.is_(";"):
                s1 = self.parse_simple_stmt(range_ok=True)
            if s1 is not None and s1.k == "range":
                rng = s1
            elif self.is_(";"):
                self.next()
                init = s1
                if not self.is_(";"):
                    cond = self.parse_expr()
                self.expect(";")
                if not self.is_("{"):
                    post = self.parse_simple_stmt()
            else:
                cond = s1.a if s1 is not None else None
        self.lev = old
        body = self.parse_block_stmts()
        if rng is not None:
            return N("forrange", line, rng, body)
        return N("for", line, (init, cond, post), body)

    def parse_switch(self):
        line = self.expect("switch").line
        old = self.lev
        self.lev = -1
        init = tag = None
        if not self.is_("{"):
            s1 = None
            if not self.is_(";"):
                s1 = self.parse_simple_stmt()
            if self.is_(";"):
                self.next()
                init = s1
                if not self.is_("{"):
                    tag = self.parse_simple_stmt()
            else:
                tag = s1
        self.lev = old
        self.expect("{")
        self.skip_semis()
        clauses = []
        is_type = False
        if tag is not None:
            if tag.k == "expr" and tag.a.k == "typeassert" and tag.a.b is None:
                is_type = True
            if tag.k == "assign" and tag.b == ":=" and len(tag.c) == 1 and tag.c[0].k == "typeassert" and tag.c[0].b is None:
                is_type = True
        while not self.is_("}"):
            cline = self.tok().line
            if self.is_("case"):
                self.next()
                exprs = []
                while True:
                    exprs.append(self.parse_type_or_expr_in_index())
                    if self.is_(","):
                        self.next()
                        self.skip_semis()
                        continue
                    break
            else:
                self.expect("default")
                exprs = None
            self.expect(":")
            body = self.parse_stmt_list()
            clauses.append((exprs, body, cline))
        self.expect("}")
        return N("switch", line, (init, tag, is_type), clauses)


def is_type_name(x):
    """Whether `{` after x is a block, not a literal, in a control clause."""
    return x.k in ("ident", "index") or (x.k == "selector" and x.a.k == "ident")


def is_literal_type(x):
    if x.k in ("ident",):
        return True
    if x.k == "selector":
        return x.a.k == "ident"
    if x.k == "type":
        return x.a.k in ("slice", "array", "map", "struct")
    if x.k == "index":  # generic type instantiation
        return is_type_name(x.a)
    return False


def base_type_name(t):
    while t is not None and t.k == "ptr":
        t = t.a
    if t is not None and t.k == "name":
        return t.b
    return None


def default_package_name(path: str) -> str:
    parts = path.split("/")
    last = parts[-1]
    if re.fullmatch(r"v\d+", last) and len(parts) > 1:
        last = parts[-2]
    last = re.sub(r"\.v\d+$", "", last)
    last = last.replace("-", "_").replace(".", "_")
    if last.startswith("go_"):
        last = last[3:]
    return last


# ---------------------------------------------------------------------------
# Source: files read from the git directory, grouped into packages.
# ---------------------------------------------------------------------------


class GitSource:
    def __init__(self, git_dir, ref):
        self.git_dir = git_dir
        self.ref = ref
        self.commit = self._git("rev-parse", "--verify", ref + "^{commit}").strip()
        self.tag_object = self._git("rev-parse", "--verify", ref).strip()

    def _git(self, *args):
        r = subprocess.run(["git", "--git-dir", self.git_dir, *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"git {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def list_go_files(self, dirs):
        out = self._git("ls-tree", "-r", "--name-only", self.commit, "--", *dirs)
        return [f for f in out.split("\n") if f.endswith(".go") and not f.endswith("_test.go")]

    def read_files(self, paths):
        p = subprocess.Popen(["git", "--git-dir", self.git_dir, "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        texts = {}
        for f in paths:
            p.stdin.write(f"{self.commit}:{f}\n".encode())
            p.stdin.flush()
            hdr = p.stdout.readline().split()
            if len(hdr) < 3 or hdr[1] != b"blob":
                raise SystemExit(f"cannot read {f} at {self.commit}")
            n = int(hdr[2])
            texts[f] = p.stdout.read(n).decode("utf-8")
            p.stdout.read(1)
        p.stdin.close()
        p.wait()
        return texts

    def read(self, path):
        return self._git("show", f"{self.commit}:{path}")


class SrcFile:
    def __init__(self, name, text):
        self.name = name
        self.text = text
        self.lines = text.split("\n")
        self.toks = lex(text)
        self.imports = {}
        self.pkgname = None

    def line_text(self, line):
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].strip()
        return ""


class VarSpec:
    __slots__ = ("name", "typ", "expr", "index", "count", "file", "line", "iota", "is_const")

    def __init__(self, name, typ, expr, index, count, file, line, iota, is_const):
        self.name = name
        self.typ = typ
        self.expr = expr  # list of value expressions (or None)
        self.index = index
        self.count = count
        self.file = file
        self.line = line
        self.iota = iota
        self.is_const = is_const


class Package:
    def __init__(self, path, dirname):
        self.path = path
        self.dir = dirname
        self.name = None
        self.files = []
        self.funcs = {}
        self.methods = {}
        self.vars = {}
        self.types = {}
        self.var_values = {}
        self.var_state = {}


class Program:
    def __init__(self, source, module, dirs):
        self.source = source
        self.module = module
        files = source.list_go_files(dirs)
        self.texts = source.read_files(files)
        self.packages = {}
        self.parse_errors = []
        by_dir = {}
        for f in files:
            by_dir.setdefault(os.path.dirname(f), []).append(f)
        self.by_dir = by_dir

    def package(self, path):
        """The package with this import path, loaded on first use, or None."""
        if path in self.packages:
            return self.packages[path]
        if path != self.module and not path.startswith(self.module + "/"):
            return None
        d = path[len(self.module) + 1:] if path != self.module else ""
        files = self.by_dir.get(d)
        if not files:
            self.packages[path] = None
            return None
        pkg = Package(path, d)
        self.packages[path] = pkg
        for f in sorted(files):
            sf = SrcFile(f, self.texts[f])
            try:
                name, imports, decls = Parser(sf.toks, sf).parse_file()
            except ParseError as e:
                self.parse_errors.append(str(e))
                continue
            if name.endswith("_test") or name == "main" and d != "":
                continue
            if pkg.name is None:
                pkg.name = name
            elif name != pkg.name:
                continue  # another package in the same directory (e.g. a generator)
            sf.imports = imports
            sf.pkgname = name
            pkg.files.append(sf)
            for kind, d_ in decls:
                if kind == "func":
                    if d_.recv is not None:
                        pkg.methods[(d_.recv, d_.name)] = d_
                    else:
                        pkg.funcs[d_.name] = d_
                elif kind in ("var", "const"):
                    names, typ, values, line, iota = d_
                    for i, n in enumerate(names):
                        if n == "_":
                            continue
                        pkg.vars[n] = VarSpec(n, typ, values, i, len(names), sf, line, iota, kind == "const")
                elif kind == "type":
                    pkg.types[d_[0]] = (d_[1], sf)
        return pkg


# ---------------------------------------------------------------------------
# Values of the interpreter
# ---------------------------------------------------------------------------


class Unknown:
    """A value the interpreter cannot know (runtime input, external code)."""

    __slots__ = ("why", "loc")

    def __init__(self, why, loc=None):
        self.why = why
        self.loc = loc

    def __repr__(self):
        return f"Unknown({self.why})"


class Sym:
    """A named entity of a package outside the provider (e.g. schema.TypeList)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, Sym) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"Sym({self.name})"


class GoStruct:
    __slots__ = ("tname", "fields", "floc", "loc", "origin")

    def __init__(self, tname, loc=None):
        self.tname = tname  # qualified type name: "<import path>.<Name>"
        self.fields = {}
        self.floc = {}  # field -> (file, line) where it was last set
        self.loc = loc
        self.origin = None  # registration entry, for resources

    def copy(self):
        c = GoStruct(self.tname, self.loc)
        c.fields = dict(self.fields)
        c.floc = dict(self.floc)
        return c

    def __repr__(self):
        return f"GoStruct({self.tname})"


class GoMap:
    __slots__ = ("d", "loc", "kloc")

    def __init__(self, loc=None):
        self.d = {}
        self.loc = loc
        self.kloc = {}  # key -> (file, line) of a literal entry


class GoSlice:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


class FuncVal:
    __slots__ = ("decl", "pkg", "env", "recv")

    def __init__(self, decl, pkg, env=None, recv=None):
        self.decl = decl
        self.pkg = pkg
        self.env = env
        self.recv = recv


class Builtin:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


class TypeVal:
    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t


class Tuple:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


class Lazy:
    """A struct field not needed for schemas, evaluated only if read."""

    __slots__ = ("expr", "env")

    def __init__(self, expr, env):
        self.expr = expr
        self.env = env


class ExtCall:
    """A call into the SDK's customdiff package or the framework's plan
    modifier packages: kept with its arguments, since what it is matters
    (which key it forces new, whether it requires replacement)."""

    __slots__ = ("name", "args", "loc")

    def __init__(self, name, args, loc):
        self.name = name  # "<import path>.<Func>"
        self.args = args
        self.loc = loc  # (file, line) of the call

    def __repr__(self):
        return f"ExtCall({self.name})"


class ReturnSig(Exception):
    def __init__(self, value):
        self.value = value


class BreakSig(Exception):
    def __init__(self, label):
        self.label = label


class ContinueSig(Exception):
    def __init__(self, label):
        self.label = label


class Env:
    __slots__ = ("vars", "parent", "pkg", "file", "fn")

    def __init__(self, parent, pkg, file, fn):
        self.vars = {}
        self.parent = parent
        self.pkg = pkg
        self.file = file
        self.fn = fn

    def child(self):
        return Env(self, self.pkg, self.file, self.fn)

    def lookup(self, name):
        e = self
        while e is not None:
            if name in e.vars:
                return e
            e = e.parent
        return None


BUILTIN_FUNCS = {"len", "cap", "append", "make", "new", "delete", "panic", "copy", "print",
                 "println", "recover", "min", "max", "clear", "complex", "real", "imag"}
BUILTIN_TYPES = {"string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
                 "uint32", "uint64", "uintptr", "float32", "float64", "complex64", "complex128",
                 "bool", "byte", "rune", "error", "any"}

# Struct fields that shape a schema; everything else in these types is
# evaluated only if something reads it (CRUD functions, validators, ...).
SCHEMA_FIELDS = {
    SDK + ".Schema": {"Type", "Optional", "Required", "Computed", "Sensitive", "Deprecated",
                      "Elem", "ConfigMode", "MinItems", "MaxItems"},
    SDK + ".Resource": {"Schema", "SchemaFunc", "DeprecationMessage", "Timeouts"},
    SDK + ".Provider": {"Schema", "ResourcesMap", "DataSourcesMap"},
}
FW_FIELDS = {"Attributes", "Blocks", "NestedObject", "Sensitive", "DeprecationMessage",
             "Required", "Optional", "Computed"}
PROTO5_FIELDS = {"Block", "Attributes", "BlockTypes", "Name", "TypeName", "Sensitive",
                 "Deprecated", "Nesting", "Required", "Optional", "Computed", "Provider",
                 "ResourceSchemas", "DataSourceSchemas"}


# Zero values of the fields that schema code reads back from SDK, framework
# and tfprotov5 structs when a literal leaves them out.
_ZERO_BOOL = {"Optional", "Required", "Computed", "Sensitive", "ForceNew", "WriteOnly",
              "SkipUnsupportedTypes", "UseJSONNumber", "EnableLegacyTypeSystemApplyErrors"}
_ZERO_INT = {"MinItems", "MaxItems", "SchemaVersion", "Version"}


def external_zero(tname, field):
    pkg = tname.rsplit(".", 1)[0]
    if not (pkg == SDK or pkg in FW_SCHEMA_PKGS or pkg == PROTO5):
        return None
    if field in _ZERO_BOOL:
        return False
    if field in _ZERO_INT:
        return 0
    if field == "Deprecated":
        return False if pkg == PROTO5 else ""
    if field in ("DeprecationMessage", "Description", "MarkdownDescription", "Name", "TypeName"):
        return ""
    return None


def eager_fields(tname):
    """The fields of a struct literal to evaluate at once; None means all."""
    if tname in SCHEMA_FIELDS:
        return SCHEMA_FIELDS[tname]
    pkg = tname.rsplit(".", 1)[0]
    if pkg in FW_SCHEMA_PKGS:
        return FW_FIELDS
    if pkg == PROTO5:
        return PROTO5_FIELDS
    if pkg.startswith(SDK) or pkg.startswith(FW) or pkg.startswith("github.com/hashicorp/terraform-plugin-go"):
        return set()
    return None


def go_format(fmt, args):
    """fmt.Sprintf for the verbs messages use; unknown arguments show as {?}."""
    out = []
    i = 0
    ai = 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < len(fmt) and fmt[j] in "+-# 0123456789.":
            j += 1
        if j >= len(fmt):
            out.append(fmt[i:])
            break
        verb = fmt[j]
        i = j + 1
        if verb == "%":
            out.append("%")
            continue
        a = args[ai] if ai < len(args) else Unknown("missing argument")
        ai += 1
        if isinstance(a, bool):
            out.append("true" if a else "false")
        elif isinstance(a, (str, int, float)):
            out.append(f'"{a}"' if verb == "q" else str(a))
        else:
            out.append("{?}")
    return "".join(out)


class Interp:
    def __init__(self, program, type_prefix):
        self.prog = program
        self.type_prefix = type_prefix
        self.depth = 0
        self.undecided = {}  # (file, line) -> (fn, why, type)
        self.reached = set()  # (file, line) of flag fields read while converting
        self.entry_stack = []  # registration keys being evaluated

    # -- reporting --
    def note(self, env, line, why):
        key = (env.file.name if env and env.file else "?", line)
        if key not in self.undecided:
            typ = next((k for k in self.entry_stack if k.startswith(self.type_prefix)), None)
            self.undecided[key] = (env.fn if env else "?", why, typ)

    # -- environment --
    def pkg_env(self, pkg, file, fn):
        return Env(None, pkg, file, fn)

    def pkg_member(self, pkg, name, line=None):
        if name in pkg.funcs:
            return FuncVal(pkg.funcs[name], pkg)
        if name in pkg.vars:
            return self.pkg_var(pkg, name)
        if name in pkg.types:
            return TypeVal(("named", pkg.path + "." + name))
        return Unknown(f"{pkg.path}.{name} not found")

    def pkg_var(self, pkg, name):
        if name in pkg.var_values:
            return pkg.var_values[name]
        spec = pkg.vars[name]
        if pkg.var_state.get(name) == "busy":
            return Unknown(f"initialization cycle at {name}")
        pkg.var_state[name] = "busy"
        env = self.pkg_env(pkg, spec.file, ("const " if spec.is_const else "var ") + name)
        env.vars["iota"] = spec.iota
        if spec.expr is None:
            v = self.zero(self.resolve_type(spec.typ, env)) if spec.typ is not None else None
        elif len(spec.expr) == spec.count:
            v = self.eval(spec.expr[spec.index], env)
        elif len(spec.expr) == 1:
            vs = self.eval_multi(spec.expr[0], env, spec.count)
            v = vs[spec.index]
        else:
            v = Unknown("bad var spec")
        pkg.var_values[name] = v
        pkg.var_state[name] = "done"
        return v

    def set_pkg_var(self, pkg, name, v):
        pkg.var_values[name] = v
        pkg.var_state[name] = "done"

    # -- types --
    def resolve_type(self, t, env):
        if t is None:
            return None
        k = t.k
        if k == "name":
            if t.a is None:
                if t.b in BUILTIN_TYPES:
                    return ("named", "builtin." + t.b)
                return ("named", env.pkg.path + "." + t.b)
            path = env.file.imports.get(t.a)
            if path is None:
                return ("named", "?." + t.b)
            return ("named", path + "." + t.b)
        if k == "ptr":
            return ("ptr", self.resolve_type(t.a, env))
        if k == "slice":
            return ("slice", self.resolve_type(t.a, env))
        if k == "array":
            return ("slice", self.resolve_type(t.b, env))
        if k == "map":
            return ("map", self.resolve_type(t.a, env), self.resolve_type(t.b, env))
        if k == "functype":
            return ("func",)
        if k == "interface":
            return ("iface",)
        if k == "struct":
            return ("struct",)
        if k == "chan":
            return ("chan",)
        return None

    def type_of_expr(self, x, env):
        """A type written as an expression (conversions, assertions, cases)."""
        if x.k == "type":
            return self.resolve_type(x.a, env)
        if x.k == "ident":
            if x.a in BUILTIN_TYPES and env.lookup(x.a) is None:
                return ("named", "builtin." + x.a)
            if x.a in env.pkg.types:
                return ("named", env.pkg.path + "." + x.a)
            return None
        if x.k == "selector" and x.a.k == "ident" and env.lookup(x.a.a) is None:
            path = env.file.imports.get(x.a.a)
            if path is not None:
                return ("named", path + "." + x.b)
        if x.k == "unary" and x.a == "*":
            inner = self.type_of_expr(x.b, env)
            return ("ptr", inner) if inner is not None else None
        if x.k == "paren":
            return self.type_of_expr(x.a, env)
        return None

    def underlying(self, t):
        """The underlying type of a named type declared in the provider."""
        seen = 0
        while t is not None and t[0] == "named" and seen < 10:
            seen += 1
            path, _, name = t[1].rpartition(".")
            pkg = self.prog.package(path)
            if pkg is None or name not in pkg.types:
                return t
            tnode, file = pkg.types[name]
            env = self.pkg_env(pkg, file, "type " + name)
            t = self.resolve_type(tnode, env)
        return t

    def zero(self, t):
        if t is None:
            return None
        u = self.underlying(t)
        if u is None:
            return None
        if u[0] == "named":
            n = u[1]
            if n in ("builtin.string",):
                return ""
            if n == "builtin.bool":
                return False
            if n.startswith("builtin.int") or n.startswith("builtin.uint") or n in ("builtin.byte", "builtin.rune"):
                return 0
            if n.startswith("builtin.float"):
                return 0.0
            if n.startswith("builtin."):
                return None
            return GoStruct(t[1])  # a struct value (or an external type)
        if u[0] == "struct":
            return GoStruct(t[1] if t[0] == "named" else "struct")
        return None  # pointers, maps, slices, funcs, interfaces: nil

    # -- expressions --
    def eval(self, x, env):
        m = getattr(self, "ev_" + x.k)
        return m(x, env)

    def ev_lit(self, x, env):
        if x.a == "str":
            return x.b
        if x.a == "num":
            s = x.b.replace("_", "")
            try:
                if s.startswith(("0x", "0X")):
                    return int(s, 16)
                if s.startswith(("0b", "0B")):
                    return int(s, 2)
                if s.startswith(("0o", "0O")):
                    return int(s[2:], 8)
                if re.fullmatch(r"0[0-7]+", s):
                    return int(s, 8)
                if re.fullmatch(r"\d+", s):
                    return int(s)
                return float(s)
            except ValueError:
                return Unknown("number " + s)
        return Unknown("rune")

    def ev_ident(self, x, env):
        name = x.a
        e = env.lookup(name)
        if e is not None:
            return e.vars[name]
        pkg = env.pkg
        if name in pkg.funcs or name in pkg.vars or name in pkg.types:
            return self.pkg_member(pkg, name)
        if name == "true":
            return True
        if name == "false":
            return False
        if name == "nil":
            return None
        if name in BUILTIN_FUNCS:
            return Builtin(name)
        if name in BUILTIN_TYPES:
            return TypeVal(("named", "builtin." + name))
        return Unknown(f"undefined {name}")

    def ev_paren(self, x, env):
        return self.eval(x.a, env)

    def ev_type(self, x, env):
        return TypeVal(self.resolve_type(x.a, env))

    def ev_funclit(self, x, env):
        return FuncVal(x.a, env.pkg, env)

    def ev_selector(self, x, env):
        if x.a.k == "ident" and env.lookup(x.a.a) is None and x.a.a not in env.pkg.vars:
            path = env.file.imports.get(x.a.a)
            if path is not None:
                pkg = self.prog.package(path)
                if pkg is not None:
                    return self.pkg_member(pkg, x.b)
                return Sym(path + "." + x.b)
        v = self.eval(x.a, env)
        return self.select(v, x.b)

    def select(self, v, name):
        if isinstance(v, GoStruct):
            if name in v.fields:
                f = v.fields[name]
                if isinstance(f, Lazy):
                    f = self.eval(f.expr, f.env)
                    v.fields[name] = f
                return f
            m = self.method(v.tname, name)
            if m is not None:
                return FuncVal(m[0], m[1], None, v)
            return external_zero(v.tname, name)
        if isinstance(v, Unknown):
            return v
        if isinstance(v, Sym):
            return Sym(v.name + "." + name)
        if v is None:
            return Unknown("nil dereference ." + name)
        return Unknown(f"field {name} of {type(v).__name__}")

    def method(self, tname, name):
        path, _, tn = tname.rpartition(".")
        pkg = self.prog.package(path)
        if pkg is None:
            return None
        d = pkg.methods.get((tn, name))
        if d is None:
            return None
        return d, pkg

    def ev_index(self, x, env):
        v = self.eval(x.a, env)
        if isinstance(v, FuncVal) or isinstance(v, TypeVal):
            return v  # generic instantiation
        k = self.eval(x.b, env)
        return self.index(v, k)

    def index(self, v, k):
        if isinstance(v, GoMap):
            if isinstance(k, Unknown):
                return Unknown("map index by unknown key")
            return v.d.get(k)
        if isinstance(v, GoSlice):
            if isinstance(k, int) and 0 <= k < len(v.items):
                return v.items[k]
            return Unknown("slice index")
        if isinstance(v, str) and isinstance(k, int) and 0 <= k < len(v):
            return ord(v[k])
        if v is None:
            return None  # nil map read
        return Unknown("index")

    def ev_slice(self, x, env):
        v = self.eval(x.a, env)
        lo = self.eval(x.b[0], env) if x.b[0] is not None else 0
        hi = self.eval(x.b[1], env) if x.b[1] is not None else None
        if isinstance(v, (GoSlice, str)) and isinstance(lo, int) and (hi is None or isinstance(hi, int)):
            seq = v.items if isinstance(v, GoSlice) else v
            r = seq[lo:hi]
            return GoSlice(list(r)) if isinstance(v, GoSlice) else r
        return Unknown("slice expression")

    def ev_typeassert(self, x, env):
        v = self.eval(x.a, env)
        if x.b is None:
            return v
        t = self.resolve_type(x.b, env)
        ok = self.type_matches(v, t)
        if ok is True:
            return v
        return Unknown("type assertion")

    def type_matches(self, v, t):
        if isinstance(v, Unknown) or t is None:
            return None
        if t[0] == "ptr":
            t = t[1]
        if t is None:
            return None
        if t[0] == "iface":
            return v is not None
        if v is None:
            return False
        if t[0] == "named":
            n = t[1]
            if isinstance(v, GoStruct):
                if v.tname == n:
                    return True
                u = self.underlying(t)
                if u is not None and u[0] == "iface":
                    return None
                if n.startswith("builtin."):
                    return False
                return False if self.prog.package(n.rpartition(".")[0]) is not None or "." in v.tname else None
            if isinstance(v, Sym):
                if v.name.startswith(SDK + ".Type"):
                    return n == SDK + ".ValueType"
                return None
            if isinstance(v, bool):
                return n == "builtin.bool"
            if isinstance(v, str):
                return n == "builtin.string"
            if isinstance(v, int):
                return n.startswith("builtin.int") or n.startswith("builtin.uint")
            if isinstance(v, GoMap):
                u = self.underlying(t)
                return True if u is not None and u[0] == "map" else None
            if isinstance(v, GoSlice):
                u = self.underlying(t)
                return True if u is not None and u[0] == "slice" else None
            return None
        if t[0] == "map":
            return isinstance(v, GoMap)
        if t[0] == "slice":
            return isinstance(v, GoSlice)
        if t[0] == "func":
            return isinstance(v, (FuncVal, Builtin))
        return None

    def ev_unary(self, x, env):
        op = x.a
        if op == "&":
            return self.eval(x.b, env)
        v = self.eval(x.b, env)
        if op == "*":
            if isinstance(v, TypeVal):
                return TypeVal(("ptr", v.t))
            if isinstance(v, GoStruct):
                return v.copy()
            return v
        if op == "!":
            return (not v) if isinstance(v, bool) else Unknown("!")
        if op == "-":
            return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else Unknown("-")
        if op == "+":
            return v
        return Unknown("unary " + op)

    def ev_binary(self, x, env):
        op = x.a
        if op in ("&&", "||"):
            a = self.eval(x.b, env)
            if op == "&&" and a is False:
                return False
            if op == "||" and a is True:
                return True
            b = self.eval(x.c, env)
            if isinstance(a, bool) and isinstance(b, bool):
                return (a and b) if op == "&&" else (a or b)
            if op == "&&" and b is False:
                return False
            if op == "||" and b is True:
                return True
            return Unknown(op)
        a = self.eval(x.b, env)
        b = self.eval(x.c, env)
        return self.binop(op, a, b)

    def binop(self, op, a, b):
        if op in ("==", "!="):
            eq = self.equal(a, b)
            if eq is None:
                return Unknown(op)
            return eq if op == "==" else not eq
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return Unknown(op)
        if op == "+" and isinstance(a, str) and isinstance(b, str):
            return a + b
        num = (int, float)
        if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
            try:
                if op == "+":
                    return a + b
                if op == "-":
                    return a - b
                if op == "*":
                    return a * b
                if op == "/":
                    return a // b if isinstance(a, int) and isinstance(b, int) else a / b
                if op == "%":
                    return a % b
                if op == "<":
                    return a < b
                if op == "<=":
                    return a <= b
                if op == ">":
                    return a > b
                if op == ">=":
                    return a >= b
                if op == "<<":
                    return a << b
                if op == ">>":
                    return a >> b
                if op == "|":
                    return a | b
                if op == "&":
                    return a & b
            except (ZeroDivisionError, TypeError, ValueError):
                return Unknown(op)
        if isinstance(a, str) and isinstance(b, str) and op in ("<", "<=", ">", ">="):
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return Unknown(op)

    def equal(self, a, b):
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return None
        if a is None or b is None:
            if a is None and b is None:
                return True
            other = b if a is None else a
            if isinstance(other, (GoStruct, GoMap, FuncVal)):
                return False
            if isinstance(other, GoSlice):
                return False if other.items else None
            return None
        if isinstance(a, Sym) or isinstance(b, Sym):
            if isinstance(a, Sym) and isinstance(b, Sym):
                return a.name == b.name
            return None
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b if isinstance(a, bool) and isinstance(b, bool) else None
        if isinstance(a, str) or isinstance(b, str):
            return a == b if isinstance(a, str) and isinstance(b, str) else None
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a == b
        if isinstance(a, GoStruct) and isinstance(b, GoStruct):
            return a is b
        return None

    def ev_composite(self, x, env, want=None):
        if x.a is None:
            t = want
        elif x.a.k == "type":
            t = self.resolve_type(x.a.a, env)
        elif x.a.k == "index":  # generic instantiation
            t = self.type_of_expr(x.a.a, env)
        elif x.a.k == "ident" and env.lookup(x.a.a) is None and x.a.a not in BUILTIN_TYPES:
            t = ("named", env.pkg.path + "." + x.a.a)
        else:
            t = self.type_of_expr(x.a, env)
        if t is not None and t[0] == "ptr":
            t = t[1]
        if t is None:
            return Unknown("literal of unknown type")
        u = self.underlying(t)
        loc = (env.file.name, x.line)
        if u[0] == "map":
            m = GoMap(loc)
            for k, v in x.b:
                key = self.eval_elem(k, env, u[1])
                if isinstance(key, str):
                    self.entry_stack.append(key)
                try:
                    val = self.eval_elem(v, env, u[2])
                finally:
                    if isinstance(key, str):
                        self.entry_stack.pop()
                if isinstance(key, Unknown):
                    self.note(env, k.line, "map key unknown: " + key.why)
                    key = ("?unknown", k.line)
                m.d[key] = val
                m.kloc[key] = (env.file.name, k.line if k is not None else x.line)
                if isinstance(val, GoStruct) and val.origin is None and isinstance(key, str):
                    val.origin = (env.file.name, k.line, env.file.line_text(k.line))
            return m
        if u[0] == "slice":
            return GoSlice([self.eval_elem(v, env, u[1]) for _, v in x.b])
        if u[0] in ("named", "struct"):
            tname = t[1] if t[0] == "named" else "struct"
            external = u[0] == "named" and not tname.startswith("builtin.")
            if external and x.b and x.b[0][0] is not None and x.b[0][0].k != "ident":
                # an external map type written with its name
                m = GoMap(loc)
                for k, v in x.b:
                    m.d[self.eval(k, env)] = self.eval_elem(v, env, None)
                return m
            s = GoStruct(tname, loc)
            eager = eager_fields(tname)
            for i, (k, v) in enumerate(x.b):
                name = k.a if (k is not None and k.k == "ident") else f"#{i}"
                if eager is None or name in eager:
                    s.fields[name] = self.eval_elem(v, env, None)
                else:
                    s.fields[name] = Lazy(v, env)
                s.floc[name] = (env.file.name, (k or v).line)
            return s
        return Unknown("literal of type " + str(u))

    def eval_elem(self, v, env, want):
        if v is None:
            return None
        if v.k == "composite" and v.a is None:
            return self.ev_composite(v, env, want)
        if v.k == "unary" and v.a == "&" and v.b.k == "composite" and v.b.a is None:
            return self.ev_composite(v.b, env, want)
        return self.eval(v, env)

    def eval_multi(self, x, env, n):
        if x.k == "call":
            r = self.ev_call(x, env)
            if isinstance(r, Tuple) and len(r.items) == n:
                return r.items
            return [r if i == 0 and n == 1 else Unknown("multi-value call") for i in range(n)]
        if x.k == "index" and n == 2:
            m = self.eval(x.a, env)
            k = self.eval(x.b, env)
            if isinstance(m, GoMap) and not isinstance(k, Unknown):
                return [m.d.get(k), k in m.d]
            if m is None:
                return [None, False]
            return [Unknown("comma-ok index"), Unknown("comma-ok index")]
        if x.k == "typeassert" and n == 2:
            v = self.eval(x.a, env)
            t = self.resolve_type(x.b, env)
            ok = self.type_matches(v, t)
            if ok is None:
                return [Unknown("type assertion"), Unknown("type assertion")]
            return [v if ok else self.zero(t), ok]
        v = self.eval(x, env)
        if isinstance(v, Tuple) and len(v.items) == n:
            return v.items
        return [Unknown("multi-value")] * n

    def ev_call(self, x, env):
        fx = x.a
        f = self.eval(fx, env)
        if isinstance(f, TypeVal):
            if not x.b:
                return Unknown("conversion")
            v = self.eval(x.b[0], env)
            return v
        args = [self.eval(a, env) for a in x.b]
        if len(args) == 1 and isinstance(args[0], Tuple):
            args = list(args[0].items)
        if isinstance(f, Builtin):
            return self.builtin(f.name, args, x, env)
        if isinstance(f, FuncVal):
            return self.call(f, args, x.c, env, x.line)
        if isinstance(f, Sym):
            if f.name.startswith(CUSTOMDIFF + ".") or FW_PLANMOD.match(f.name):
                return ExtCall(f.name, args, (env.file.name, x.line))
            return self.external(f.name, args)
        if isinstance(f, Unknown):
            return Unknown("call of unknown: " + f.why)
        return Unknown("call of " + type(f).__name__)

    def external(self, name, args):
        if name == "fmt.Sprintf" and args and isinstance(args[0], str):
            return go_format(args[0], args[1:])
        if name == "fmt.Sprint":
            if all(isinstance(a, str) for a in args):
                return "".join(args)
        if name.startswith("strings."):
            fn = name[len("strings."):]
            if all(isinstance(a, (str, int)) or isinstance(a, GoSlice) for a in args):
                try:
                    if fn == "ToLower":
                        return args[0].lower()
                    if fn == "ToUpper":
                        return args[0].upper()
                    if fn == "TrimSpace":
                        return args[0].strip()
                    if fn == "Join":
                        if all(isinstance(i, str) for i in args[0].items):
                            return args[1].join(args[0].items)
                    if fn == "ReplaceAll":
                        return args[0].replace(args[1], args[2])
                    if fn == "HasPrefix":
                        return args[0].startswith(args[1])
                    if fn == "HasSuffix":
                        return args[0].endswith(args[1])
                    if fn == "Contains":
                        return args[1] in args[0]
                    if fn == "TrimPrefix":
                        return args[0][len(args[1]):] if args[0].startswith(args[1]) else args[0]
                    if fn == "TrimSuffix":
                        return args[0][:-len(args[1])] if args[1] and args[0].endswith(args[1]) else args[0]
                    if fn == "Split":
                        return GoSlice(args[0].split(args[1]))
                except (AttributeError, IndexError, TypeError):
                    pass
        return Unknown("call to " + name)

    def builtin(self, name, args, x, env):
        if name == "len":
            a = args[0] if args else None
            if isinstance(a, GoMap):
                return len(a.d)
            if isinstance(a, GoSlice):
                return len(a.items)
            if isinstance(a, str):
                return len(a.encode())
            if a is None:
                return 0
            return Unknown("len")
        if name == "append":
            base = args[0] if args else None
            if base is None:
                items = []
            elif isinstance(base, GoSlice):
                items = list(base.items)
            else:
                return Unknown("append to unknown")
            rest = args[1:]
            if x.c:  # append(s, t...)
                if len(rest) == 1 and isinstance(rest[0], GoSlice):
                    return GoSlice(items + list(rest[0].items))
                if len(rest) == 1 and rest[0] is None:
                    return GoSlice(items)
                return Unknown("append of unknown")
            return GoSlice(items + rest)
        if name == "make":
            t = args[0].t if args and isinstance(args[0], TypeVal) else None
            u = self.underlying(t) if t else None
            if u and u[0] == "map":
                return GoMap((env.file.name, x.line))
            if u and u[0] == "slice":
                n = args[1] if len(args) > 1 and isinstance(args[1], int) else 0
                return GoSlice([self.zero(u[1]) for _ in range(n)])
            return Unknown("make")
        if name == "new":
            t = args[0].t if args and isinstance(args[0], TypeVal) else None
            z = self.zero(t)
            return z if z is not None else Unknown("new")
        if name == "delete":
            if len(args) == 2 and isinstance(args[0], GoMap):
                if isinstance(args[1], Unknown):
                    self.note(env, x.line, "delete with unknown key")
                else:
                    args[0].d.pop(args[1], None)
            else:
                self.note(env, x.line, "delete from unknown map")
            return None
        if name == "panic":
            raise ReturnSig(Unknown("panic"))
        if name in ("min", "max") and args and all(isinstance(a, (int, float)) for a in args):
            return min(args) if name == "min" else max(args)
        return Unknown("builtin " + name)

    # -- calls --
    def call(self, f, args, ellipsis, env, line):
        decl = f.decl
        if self.depth > 150:
            return Unknown("call depth")
        parent = f.env if f.env is not None else None
        fenv = Env(parent, f.pkg, decl.file, decl.name)
        if f.recv is not None and decl.recv_name:
            fenv.vars[decl.recv_name] = f.recv
        params = decl.params
        for i, (pname, ptype, variadic) in enumerate(params):
            if variadic:
                if ellipsis:
                    v = args[i] if i < len(args) else None
                else:
                    v = GoSlice(args[i:])
            else:
                v = args[i] if i < len(args) else Unknown("missing argument")
            if pname is not None and pname != "_":
                fenv.vars[pname] = v
        named = [(n, t) for n, t, _ in decl.results if n is not None]
        for n, t in named:
            fenv.vars[n] = self.zero(self.resolve_type(t, fenv))
        self.depth += 1
        try:
            try:
                body = decl.body()
            except ParseError as e:
                return Unknown("parse error: " + str(e))
            self.exec_stmts(body, fenv)
        except ReturnSig as r:
            v = r.value
            if v is _BARE:
                v = [fenv.vars[n] for n, _ in named]
                v = v[0] if len(v) == 1 else Tuple(v)
            return v
        finally:
            self.depth -= 1
        if named:
            v = [fenv.vars[n] for n, _ in named]
            return v[0] if len(v) == 1 else Tuple(v)
        return None

    # -- statements --
    def exec_stmts(self, stmts, env):
        for s in stmts:
            self.exec(s, env)

    def exec(self, s, env):
        k = s.k
        if k == "expr":
            self.eval(s.a, env)
        elif k == "assign":
            self.ex_assign(s, env)
        elif k == "decl":
            for names, typ, values, line, iota in s.b:
                if values is not None and len(values) == len(names):
                    vals = [self.eval_elem(v, env, None) for v in values]
                elif values is not None and len(values) == 1:
                    vals = self.eval_multi(values[0], env, len(names))
                else:
                    z = self.resolve_type(typ, env) if typ is not None else None
                    vals = [self.zero(z) for _ in names]
                for n, v in zip(names, vals):
                    if n != "_":
                        env.vars[n] = v
        elif k == "return":
            if not s.a:
                raise ReturnSig(_BARE)
            if len(s.a) == 1:
                raise ReturnSig(self.eval_elem(s.a[0], env, None))
            raise ReturnSig(Tuple([self.eval(v, env) for v in s.a]))
        elif k == "if":
            e = env.child()
            if s.a is not None:
                self.exec(s.a, e)
            c = self.eval(s.b, e)
            if c is True:
                self.exec_stmts(s.c, e.child())
            elif c is False:
                if s.d is not None:
                    self.exec_stmts(s.d, e.child())
            else:
                self.note(env, s.line, "if condition unknown: " + (c.why if isinstance(c, Unknown) else repr(c)))
        elif k == "forrange":
            self.ex_range(s, env, None)
        elif k == "for":
            self.ex_for(s, env, None)
        elif k == "switch":
            self.ex_switch(s, env)
        elif k == "block":
            self.exec_stmts(s.a, env.child())
        elif k == "labeled":
            inner = s.b
            if inner.k == "forrange":
                self.ex_range(inner, env, s.a)
            elif inner.k == "for":
                self.ex_for(inner, env, s.a)
            else:
                try:
                    self.exec(inner, env)
                except BreakSig as b:
                    if b.label != s.a:
                        raise
        elif k == "branch":
            if s.a == "break":
                raise BreakSig(s.b)
            if s.a == "continue":
                raise ContinueSig(s.b)
            if s.a == "fallthrough":
                raise _Fallthrough()
            self.note(env, s.line, "goto")
            raise ReturnSig(Unknown("goto"))
        elif k == "incdec":
            cur = self.eval(s.a, env)
            if isinstance(cur, int) and not isinstance(cur, bool):
                self.assign(s.a, cur + (1 if s.b == "++" else -1), False, env, s.line)
            else:
                self.assign(s.a, Unknown("incdec"), False, env, s.line)
        elif k in ("godefer", "empty"):
            pass
        else:
            self.note(env, s.line, "unsupported statement " + str(s.a))

    def ex_assign(self, s, env):
        lhs, op, rhs = s.a, s.b, s.c
        if op in ("=", ":="):
            if len(lhs) > 1 and len(rhs) == 1:
                vals = self.eval_multi(rhs[0], env, len(lhs))
            else:
                vals = [self.eval_elem(r, env, None) for r in rhs]
            for l, v in zip(lhs, vals):
                self.assign(l, v, op == ":=", env, s.line)
            return
        cur = self.eval(lhs[0], env)
        v = self.binop(op[:-1], cur, self.eval(rhs[0], env))
        self.assign(lhs[0], v, False, env, s.line)

    def assign(self, l, v, define, env, line):
        if l.k == "paren":
            return self.assign(l.a, v, define, env, line)
        if l.k == "ident":
            name = l.a
            if name == "_":
                return
            if define and name not in env.vars:
                env.vars[name] = v
                return
            e = env.lookup(name)
            if e is not None:
                e.vars[name] = v
            elif name in env.pkg.vars:
                self.set_pkg_var(env.pkg, name, v)
            else:
                env.vars[name] = v
            return
        if l.k == "index":
            m = self.eval(l.a, env)
            key = self.eval(l.b, env)
            if isinstance(m, GoMap) and not isinstance(key, Unknown):
                m.d[key] = v
                m.kloc[key] = (env.file.name, line)
            elif isinstance(m, GoSlice) and isinstance(key, int) and 0 <= key < len(m.items):
                m.items[key] = v
            else:
                self.note(env, line, "assignment to unknown map/slice element")
            return
        if l.k == "selector":
            if l.a.k == "ident" and env.lookup(l.a.a) is None and l.a.a in env.file.imports:
                path = env.file.imports[l.a.a]
                pkg = self.prog.package(path)
                if pkg is not None and l.b in pkg.vars:
                    self.set_pkg_var(pkg, l.b, v)
                return
            obj = self.eval(l.a, env)
            if isinstance(obj, GoStruct):
                obj.fields[l.b] = v
                obj.floc[l.b] = (env.file.name, line)
            else:
                self.note(env, line, f"assignment to field {l.b} of unknown value")
            return
        if l.k == "unary" and l.a == "*":
            self.note(env, line, "assignment through pointer")
            return
        self.note(env, line, "unsupported assignment target")

    def ex_range(self, s, env, label):
        rng, body = s.a, s.b
        x = self.eval(rng.c, env)
        if isinstance(x, GoMap):
            pairs = list(x.d.items())
        elif isinstance(x, GoSlice):
            pairs = list(enumerate(x.items))
        elif isinstance(x, str):
            pairs = [(i, ord(c)) for i, c in enumerate(x)]
        elif isinstance(x, int) and not isinstance(x, bool):
            pairs = [(i, None) for i in range(x)]
        elif x is None:
            pairs = []
        else:
            self.note(env, s.line, "range over unknown value: " + (x.why if isinstance(x, Unknown) else type(x).__name__))
            return
        for kv, vv in pairs:
            e = env.child()
            targets = rng.a
            if targets:
                self.assign(targets[0], kv, rng.b == ":=", e, s.line)
                if len(targets) > 1:
                    self.assign(targets[1], vv, rng.b == ":=", e, s.line)
            try:
                self.exec_stmts(body, e.child())
            except BreakSig as b:
                if b.label is None or b.label == label:
                    break
                raise
            except ContinueSig as c:
                if c.label is None or c.label == label:
                    continue
                raise

    def ex_for(self, s, env, label):
        init, cond, post = s.a
        e = env.child()
        if init is not None:
            self.exec(init, e)
        n = 0
        while True:
            n += 1
            if n > 100000:
                self.note(env, s.line, "loop too long")
                return
            if cond is not None:
                c = self.eval(cond, e)
                if c is False:
                    return
                if c is not True:
                    self.note(env, s.line, "loop condition unknown")
                    return
            try:
                self.exec_stmts(s.b, e.child())
            except BreakSig as b:
                if b.label is None or b.label == label:
                    return
                raise
            except ContinueSig as c:
                if not (c.label is None or c.label == label):
                    raise
            if post is not None:
                self.exec(post, e)

    def ex_switch(self, s, env):
        (init, tag, is_type), clauses = s.a, s.b
        e = env.child()
        if init is not None:
            self.exec(init, e)
        bind = None
        if is_type:
            if tag.k == "assign":
                bind = tag.a[0].a
                val = self.eval(tag.c[0].a, e)
            else:
                val = self.eval(tag.a.a, e)
        else:
            val = self.eval(tag.a, e) if tag is not None else True
        chosen = None
        default = None
        for i, (exprs, body, cline) in enumerate(clauses):
            if exprs is None:
                default = i
                continue
            for cx in exprs:
                if is_type:
                    if cx.k == "ident" and cx.a == "nil":
                        m = val is None
                    else:
                        m = self.type_matches(val, self.type_of_expr(cx, e))
                else:
                    m = self.equal(val, self.eval(cx, e))
                if m is None:
                    self.note(env, cline, "switch case undecided")
                    return
                if m:
                    chosen = i
                    break
            if chosen is not None:
                break
        if chosen is None:
            chosen = default
        if chosen is None:
            return
        i = chosen
        while i < len(clauses):
            ce = e.child()
            if bind is not None:
                ce.vars[bind] = val
            try:
                self.exec_stmts(clauses[i][1], ce)
            except _Fallthrough:
                i += 1
                continue
            except BreakSig as b:
                if b.label is None:
                    return
                raise
            return


class _Fallthrough(Exception):
    pass


_BARE = object()


# ---------------------------------------------------------------------------
# From evaluated Go values to Terraform's schema shape, with the flags
# ---------------------------------------------------------------------------


class SNode:
    """An attribute or block as Terraform sees it (names and kinds only)."""

    __slots__ = ("kind", "children")

    def __init__(self, kind):
        self.kind = kind  # "attribute", "block" or "?" (undecided)
        self.children = {} if kind == "block" else None


PLAN_MODIFY_METHODS = tuple("PlanModify" + t for t in (
    "Bool", "Dynamic", "Float32", "Float64", "Int32", "Int64", "List", "Map", "Number", "Object", "Set",
    "String"))


class Converter:
    def __init__(self, interp):
        self.it = interp
        self.flags = []  # one dict per flag found
        self.ambiguous = []
        # Replacement: one dict per path found to force it; what the
        # interpreter could not decide while reading those fields (kept
        # apart from the flags' undecided branches); and the functions
        # (CustomizeDiff, plan modifiers, ...) each resource type runs.
        self.replace = []
        self.rr_undecided = {}
        self.rr_ambiguous = []
        self.rr_roots = []  # (type, FuncVal) or (type, (file, line)) of a customdiff call

    def field(self, s, name):
        if not isinstance(s, GoStruct) or name not in s.fields:
            return None
        if name in ("Sensitive", "Deprecated", "DeprecationMessage") and name in s.floc:
            self.it.reached.add(s.floc[name])
        return self.it.select(s, name)

    def amb(self, ctx, path, what, loc=None):
        self.ambiguous.append({"kind": ctx[0], "type": ctx[1], "path": ".".join(path),
                               "what": what, "source": loc_json(loc)})

    def flag(self, ctx, path, element, flag, value, loc, dropped=None):
        """Record a flag if `value` sets it (bool true, non-empty message)."""
        if value is None or value is False or value == "" or value == 0:
            return
        msg = None
        if isinstance(value, Unknown):
            self.amb(ctx, path, f"{flag} set from a value not known statically ({value.why})", loc)
            return
        if flag == "deprecated":
            if isinstance(value, str):
                msg = value
            elif value is not True:
                self.amb(ctx, path, f"deprecated set from a {type(value).__name__}", loc)
                return
        elif value is not True:
            self.amb(ctx, path, f"sensitive set from a {type(value).__name__}", loc)
            return
        self.flags.append({
            "kind": ctx[0], "type": ctx[1], "path": list(path), "element": element,
            "flag": flag, "message": msg, "loc": loc, "server": ctx[2],
            "status": "dropped" if dropped else "set", "reason": dropped,
        })

    # -- what forces replacement (resources only) --
    def rr_read(self, s, name):
        """A field read only to find what forces replacement."""
        saved = self.it.undecided
        self.it.undecided = self.rr_undecided
        try:
            return self.field(s, name)
        finally:
            self.it.undecided = saved

    def rr_amb(self, ctx, path, what, loc=None):
        self.rr_ambiguous.append({"kind": ctx[0], "type": ctx[1], "path": ".".join(path),
                                  "what": what, "source": loc_json(loc)})

    def replaces(self, ctx, path, element, loc, conditional=False, dropped=None):
        self.replace.append({"kind": ctx[0], "type": ctx[1], "path": list(path), "element": element,
                             "loc": loc, "conditional": conditional, "dropped": dropped})

    def force_new(self, ctx, s, path, element, dropped=None):
        """Record `ForceNew: true` of a schema.Schema."""
        if ctx[0] != "resource":
            return
        v = self.rr_read(s, "ForceNew")
        if v is None or v is False:
            return
        if v is not True:
            self.rr_amb(ctx, path, "ForceNew set from a value not known statically: " + describe(v),
                        s.floc.get("ForceNew"))
            return
        self.replaces(ctx, path, element, s.floc.get("ForceNew"), dropped=dropped)

    def sdk_customize_diff(self, ctx, res):
        """The functions a resource's CustomizeDiff runs, and the customdiff
        ForceNewIf/ForceNewIfChange calls it is built from."""
        v = self.rr_read(res, "CustomizeDiff")
        if v is None:
            return
        todo = [v]
        while todo:
            x = todo.pop()
            if isinstance(x, FuncVal):
                self.rr_roots.append((ctx[1], x))
            elif isinstance(x, ExtCall):
                if x.name.rpartition(".")[2].startswith("ForceNewIf"):
                    self.rr_roots.append((ctx[1], x.loc))
                todo.extend(x.args)
            elif isinstance(x, (GoSlice, Tuple)):
                todo.extend(x.items)
            elif x is not None and not isinstance(x, (str, int, float)):  # (bool is an int)
                self.rr_amb(ctx, [], "CustomizeDiff (or a part of it) not known statically: " + describe(x),
                            res.floc.get("CustomizeDiff"))

    def fw_plan_modifiers(self, ctx, v, path, element):
        """Record the framework's RequiresReplace* plan modifiers."""
        if ctx[0] != "resource":
            return
        mods = self.rr_read(v, "PlanModifiers")
        if mods is None:
            return
        if not isinstance(mods, GoSlice):
            self.rr_amb(ctx, path, "PlanModifiers not known statically: " + describe(mods),
                        v.floc.get("PlanModifiers"))
            return
        for m in mods.items:
            if isinstance(m, ExtCall):
                fn = m.name.rpartition(".")[2]
                if fn == "RequiresReplace":
                    self.replaces(ctx, path, element, m.loc)
                elif fn.startswith("RequiresReplace"):  # RequiresReplaceIf, RequiresReplaceIfConfigured
                    self.replaces(ctx, path, element, m.loc, conditional=True)
            elif isinstance(m, GoStruct):
                # A plan modifier written in the provider: what its
                # PlanModify* method does is listed as custom.
                meths = [self.it.method(m.tname, n) for n in PLAN_MODIFY_METHODS]
                for d in meths:
                    if d is not None:
                        self.rr_roots.append((ctx[1], FuncVal(d[0], d[1])))
                if not any(meths):
                    self.rr_amb(ctx, path, "plan modifier of a type with no PlanModify method: " + m.tname,
                                v.floc.get("PlanModifiers"))
            else:
                self.rr_amb(ctx, path, "plan modifier not known statically: " + describe(m),
                            v.floc.get("PlanModifiers"))

    def sdk_nested_force_new(self, ctx, res, path, reason):
        """ForceNew inside an attribute of object type: the SDK honours it,
        but terraform's schema has no path there."""
        smap = self.rr_read(res, "Schema")
        if not isinstance(smap, GoMap):
            return
        for name, s in smap.d.items():
            if not isinstance(s, GoStruct):
                continue
            p = path + [str(name)]
            self.force_new(ctx, s, p, "nested", dropped=reason)
            e = self.rr_read(s, "Elem")
            if isinstance(e, GoStruct) and e.tname == SDK + ".Resource":
                self.sdk_nested_force_new(ctx, e, p, reason)

    # -- terraform-plugin-sdk/v2 --
    def sdk_resource(self, ctx, res, top):
        smap = self.field(res, "Schema")
        if smap is None:
            sf = self.field(res, "SchemaFunc")
            if isinstance(sf, FuncVal):
                smap = self.it.call(sf, [], False, None, 0)
        node = self.sdk_block(ctx, smap, [])
        if top:
            self.flag(ctx, [], "type", "deprecated", self.field(res, "DeprecationMessage"),
                      res.floc.get("DeprecationMessage"))
            if "id" not in node.children:
                node.children["id"] = SNode("attribute")
            t = self.field(res, "Timeouts")
            if t is not None and "timeouts" not in node.children:
                tb = SNode("block")
                if isinstance(t, GoStruct):
                    for op in ("Create", "Read", "Update", "Delete", "Default"):
                        if t.fields.get(op) is not None:
                            tb.children[op.lower()] = SNode("attribute")
                node.children["timeouts"] = tb
        return node

    def sdk_block(self, ctx, smap, path):
        node = SNode("block")
        if not isinstance(smap, GoMap):
            self.amb(ctx, path, "schema map not known statically: " + describe(smap))
            node.kind = "?"
            return node
        for name, s in smap.d.items():
            p = path + [str(name)]
            if not isinstance(name, str):
                self.amb(ctx, p, "attribute name not known statically", smap.kloc.get(name))
                continue
            if not (isinstance(s, GoStruct) and s.tname == SDK + ".Schema"):
                self.amb(ctx, p, "schema not known statically: " + describe(s), smap.kloc.get(name))
                node.children[name] = SNode("?")
                continue
            node.children[name] = self.sdk_field(ctx, s, p)
        return node

    def sdk_field(self, ctx, s, p):
        typ = self.field(s, "Type")
        elem = self.field(s, "Elem")
        mode = self.field(s, "ConfigMode")
        computed = self.field(s, "Computed")
        optional = self.field(s, "Optional")
        elem_res = isinstance(elem, GoStruct) and elem.tname == SDK + ".Resource"
        elem_sch = (isinstance(elem, GoStruct) and elem.tname == SDK + ".Schema") or (
            isinstance(elem, Sym) and elem.name.startswith(SDK + ".Type"))
        kind = None
        if elem is None:
            kind = "attribute"
        elif not (elem_res or elem_sch):
            self.amb(ctx, p, "Elem not known statically: " + describe(elem), s.floc.get("Elem"))
            return SNode("?")
        elif typ == Sym(SDK + ".TypeMap") and elem_res:
            kind = "attribute"
        elif mode == Sym(SDK + ".SchemaConfigModeAttr"):
            kind = "attribute"
        elif mode == Sym(SDK + ".SchemaConfigModeBlock"):
            kind = "block"
        elif mode is not None and not (isinstance(mode, Sym) and mode.name == SDK + ".SchemaConfigModeAuto"):
            self.amb(ctx, p, "ConfigMode not known statically: " + describe(mode), s.floc.get("ConfigMode"))
            return SNode("?")
        else:
            if isinstance(computed, Unknown) or isinstance(optional, Unknown):
                self.amb(ctx, p, "Computed/Optional not known statically", s.loc)
                return SNode("?")
            if computed is True and optional is not True:
                kind = "attribute"
            elif elem_sch:
                kind = "attribute"
            else:
                kind = "block"
        if kind == "attribute":
            node = SNode("attribute")
            self.flag(ctx, p, "attribute", "sensitive", self.field(s, "Sensitive"), s.floc.get("Sensitive"))
            self.flag(ctx, p, "attribute", "deprecated", self.field(s, "Deprecated"), s.floc.get("Deprecated"))
            self.force_new(ctx, s, p, "attribute")
            if elem_res:
                self.sdk_lost(ctx, elem, p, "inside an attribute of object type (a computed-only or "
                              "attribute-mode nested resource): terraform's schema has no flags there")
                if mode == Sym(SDK + ".SchemaConfigModeAttr") or typ == Sym(SDK + ".TypeMap"):
                    why = ("inside an attribute of object type (an attribute-mode nested resource or a map of "
                           "them): the SDK honours it, but terraform's schema has no path there")
                else:
                    why = ("inside an attribute of object type (a computed-only nested resource): not set "
                           "in configuration, and terraform's schema has no path there")
                self.sdk_nested_force_new(ctx, elem, p, why)
            elif isinstance(elem, GoStruct):
                for f, fl in (("Sensitive", "sensitive"), ("Deprecated", "deprecated")):
                    self.flag(ctx, p + ["(element)"], "attribute", fl, self.field(elem, f), elem.floc.get(f),
                              dropped="on the element schema of a collection: the SDK ignores it")
                self.force_new(ctx, elem, p + ["(element)"], "attribute",
                               dropped="on the element schema of a collection: the SDK replaces it with "
                                       "the collection's own ForceNew")
            return node
        node = SNode("block")
        inner = self.field(elem, "Schema")
        if inner is None and isinstance(self.field(elem, "SchemaFunc"), FuncVal):
            inner = self.it.call(self.field(elem, "SchemaFunc"), [], False, None, 0)
        node.children = self.sdk_block(ctx, inner, p).children or {}
        self.flag(ctx, p, "block", "deprecated", self.field(s, "Deprecated"), s.floc.get("Deprecated"))
        self.flag(ctx, p, "block", "sensitive", self.field(s, "Sensitive"), s.floc.get("Sensitive"),
                  dropped="on a nested block: the SDK's core schema has no sensitive blocks")
        self.force_new(ctx, s, p, "block")
        return node

    def sdk_lost(self, ctx, res, path, reason):
        smap = self.field(res, "Schema")
        if not isinstance(smap, GoMap):
            return
        for name, s in smap.d.items():
            if not isinstance(s, GoStruct):
                continue
            p = path + [str(name)]
            for f, fl in (("Sensitive", "sensitive"), ("Deprecated", "deprecated")):
                self.flag(ctx, p, "nested", fl, self.field(s, f), s.floc.get(f), dropped=reason)
            e = self.field(s, "Elem")
            if isinstance(e, GoStruct) and e.tname == SDK + ".Resource":
                self.sdk_lost(ctx, e, p, reason)

    # -- terraform-plugin-framework --
    def fw_schema(self, ctx, sch):
        if not isinstance(sch, GoStruct):
            self.amb(ctx, [], "framework schema not known statically: " + describe(sch))
            return SNode("?")
        node = self.fw_object(ctx, self.field(sch, "Attributes"), self.field(sch, "Blocks"), [])
        self.flag(ctx, [], "type", "deprecated", self.field(sch, "DeprecationMessage"),
                  sch.floc.get("DeprecationMessage"))
        return node

    def fw_object(self, ctx, attrs, blocks, path):
        node = SNode("block")
        for m, what in ((attrs, "attributes"), (blocks, "blocks")):
            if m is None:
                continue
            if not isinstance(m, GoMap):
                self.amb(ctx, path, f"framework {what} not known statically: " + describe(m))
                continue
            for name, v in m.d.items():
                p = path + [str(name)]
                if not isinstance(v, GoStruct):
                    self.amb(ctx, p, "framework schema element not known statically: " + describe(v))
                    node.children[str(name)] = SNode("?")
                    continue
                short = v.tname.rpartition(".")[2]
                if what == "attributes":
                    child = SNode("attribute")
                    self.flag(ctx, p, "attribute", "sensitive", self.field(v, "Sensitive"), v.floc.get("Sensitive"))
                    self.flag(ctx, p, "attribute", "deprecated", self.field(v, "DeprecationMessage"),
                              v.floc.get("DeprecationMessage"))
                    self.fw_plan_modifiers(ctx, v, p, "attribute")
                    if short.endswith("NestedAttribute"):
                        obj = self.field(v, "NestedObject") if short != "SingleNestedAttribute" else v
                        if obj is not v and isinstance(obj, GoStruct):
                            self.fw_plan_modifiers(ctx, obj, p, "attribute")
                        sub = self.fw_object(ctx, self.field(obj, "Attributes"), None, p)
                        child.children = sub.children  # nested_type attributes
                else:
                    self.fw_plan_modifiers(ctx, v, p, "block")
                    obj = v if short == "SingleNestedBlock" else self.field(v, "NestedObject")
                    if obj is not v and isinstance(obj, GoStruct):
                        self.fw_plan_modifiers(ctx, obj, p, "block")
                    child = self.fw_object(ctx, self.field(obj, "Attributes"), self.field(obj, "Blocks"), p)
                    self.flag(ctx, p, "block", "deprecated", self.field(v, "DeprecationMessage"),
                              v.floc.get("DeprecationMessage"))
                node.children[str(name)] = child
        return node

    # -- terraform-plugin-go tfprotov5, written by hand --
    def p5_schema(self, ctx, sch):
        b = self.field(sch, "Block")
        node = self.p5_block(ctx, b, [])
        if isinstance(b, GoStruct):
            self.flag(ctx, [], "type", "deprecated", self.field(b, "Deprecated"), b.floc.get("Deprecated"))
        return node

    def p5_block(self, ctx, b, path):
        node = SNode("block")
        if not isinstance(b, GoStruct):
            self.amb(ctx, path, "tfprotov5 block not known statically: " + describe(b))
            node.kind = "?"
            return node
        attrs = self.field(b, "Attributes")
        for a in attrs.items if isinstance(attrs, GoSlice) else []:
            name = self.field(a, "Name")
            if not isinstance(name, str):
                self.amb(ctx, path, "attribute name not known statically")
                continue
            p = path + [name]
            node.children[name] = SNode("attribute")
            self.flag(ctx, p, "attribute", "sensitive", self.field(a, "Sensitive"), a.floc.get("Sensitive"))
            self.flag(ctx, p, "attribute", "deprecated", self.field(a, "Deprecated"), a.floc.get("Deprecated"))
        bts = self.field(b, "BlockTypes")
        for nb in bts.items if isinstance(bts, GoSlice) else []:
            name = self.field(nb, "TypeName")
            if not isinstance(name, str):
                self.amb(ctx, path, "block name not known statically")
                continue
            inner = self.field(nb, "Block")
            node.children[name] = self.p5_block(ctx, inner, path + [name])
            if isinstance(inner, GoStruct):
                self.flag(ctx, path + [name], "block", "deprecated", self.field(inner, "Deprecated"),
                          inner.floc.get("Deprecated"))
        return node


def describe(v):
    if isinstance(v, Unknown):
        return "unknown (" + v.why + ")"
    if isinstance(v, GoStruct):
        return v.tname
    return type(v).__name__ if v is not None else "nil"


def loc_json(loc):
    if loc is None:
        return None
    f, line = loc
    return {"file": f, "line": line}


# ---------------------------------------------------------------------------
# Running the provider's servers
# ---------------------------------------------------------------------------


def fw_struct(pkg_suffix, name, **fields):
    s = GoStruct(f"{FW}/{pkg_suffix}.{name}")
    s.fields.update(fields)
    return s


def call_method(interp, obj, name, args):
    m = interp.method(obj.tname, name) if isinstance(obj, GoStruct) else None
    if m is None:
        return Unknown(f"no method {name}")
    return interp.call(FuncVal(m[0], m[1], None, obj), args, False, None, 0)


def run_servers(cfg, prog, interp, conv):
    """Evaluate every server; returns a list of per-server results."""
    out = []
    ctx_arg = Unknown("context")
    for srv in cfg["servers"]:
        pkg = prog.package(cfg["module"] + "/" + srv["package"])
        if pkg is None:
            raise SystemExit(f"package {srv['package']} not found")
        res = {"server": srv, "provider": None, "resource": {}, "data source": {}}
        sname = srv["kind"] + ":" + srv["package"]
        if srv["kind"] == "sdk":
            p = interp.call(FuncVal(pkg.funcs[srv["func"]], pkg), [], False, None, 0)
            if not isinstance(p, GoStruct):
                raise SystemExit(f"{srv['package']}.{srv['func']}() did not evaluate to a provider: {describe(p)}")
            res["provider"] = conv.sdk_block(("provider", "", sname), conv.field(p, "Schema"), [])
            for field, kind in (("ResourcesMap", "resource"), ("DataSourcesMap", "data source")):
                m = conv.field(p, field)
                if not isinstance(m, GoMap):
                    raise SystemExit(f"{field} not known statically: {describe(m)}")
                for name, r in m.d.items():
                    if not isinstance(r, GoStruct) or r.tname != SDK + ".Resource":
                        conv.amb((kind, str(name), sname), [], "registered value not known statically: " + describe(r))
                        continue
                    res[kind][name] = {"tree": conv.sdk_resource((kind, name, sname), r, True),
                                       "registered": origin_json(r.origin)}
                    if kind == "resource":
                        conv.sdk_customize_diff((kind, name, sname), r)
        elif srv["kind"] == "framework":
            fp = interp.call(FuncVal(pkg.funcs[srv["func"]], pkg), [Unknown("argument")] * 2, False, None, 0)
            resp = fw_struct("provider", "MetadataResponse")
            call_method(interp, fp, "Metadata", [ctx_arg, fw_struct("provider", "MetadataRequest"), resp])
            prefix = resp.fields.get("TypeName")
            if not isinstance(prefix, str):
                raise SystemExit(f"framework provider type name not known: {describe(prefix)}")
            resp = fw_struct("provider", "SchemaResponse")
            call_method(interp, fp, "Schema", [ctx_arg, fw_struct("provider", "SchemaRequest"), resp])
            res["provider"] = conv.fw_schema(("provider", "", sname), resp.fields.get("Schema"))
            for meth, kind, pk in (("Resources", "resource", "resource"), ("DataSources", "data source", "datasource")):
                lst = call_method(interp, fp, meth, [ctx_arg])
                if lst is None:
                    continue
                if not isinstance(lst, GoSlice):
                    raise SystemExit(f"framework {meth} not known statically: {describe(lst)}")
                for ctor in lst.items:
                    if not isinstance(ctor, FuncVal):
                        conv.amb((kind, "?", sname), [], "framework constructor not known statically")
                        continue
                    inst = interp.call(ctor, [], False, None, 0)
                    mresp = fw_struct(pk, "MetadataResponse")
                    call_method(interp, inst, "Metadata",
                                [ctx_arg, fw_struct(pk, "MetadataRequest", ProviderTypeName=prefix), mresp])
                    name = mresp.fields.get("TypeName")
                    if not isinstance(name, str):
                        conv.amb((kind, "?", sname), [], f"type name of {ctor.decl.name} not known statically")
                        continue
                    sresp = fw_struct(pk, "SchemaResponse")
                    call_method(interp, inst, "Schema", [ctx_arg, fw_struct(pk, "SchemaRequest"), sresp])
                    res[kind][name] = {
                        "tree": conv.fw_schema((kind, name, sname), sresp.fields.get("Schema")),
                        "registered": {"file": ctor.decl.file.name, "line": ctor.decl.line,
                                       "function": ctor.decl.name},
                    }
                    mp = interp.method(inst.tname, "ModifyPlan") if kind == "resource" and isinstance(
                        inst, GoStruct) else None
                    if mp is not None:  # resource.ResourceWithModifyPlan
                        conv.rr_roots.append((name, FuncVal(mp[0], mp[1])))
        elif srv["kind"] == "proto5":
            recv = GoStruct(pkg.path + "." + srv["recv"])
            r = call_method(interp, recv, srv["method"], [ctx_arg, Unknown("request")])
            resp = r.items[0] if isinstance(r, Tuple) else r
            if not isinstance(resp, GoStruct):
                raise SystemExit(f"{srv['method']} did not evaluate: {describe(resp)}")
            prov = conv.field(resp, "Provider")
            if prov is not None:
                res["provider"] = conv.p5_schema(("provider", "", sname), prov)
            for field, kind in (("ResourceSchemas", "resource"), ("DataSourceSchemas", "data source")):
                m = conv.field(resp, field)
                if not isinstance(m, GoMap):
                    continue
                for name, sch in m.d.items():
                    kl = m.kloc.get(name)
                    res[kind][name] = {"tree": conv.p5_schema((kind, name, sname), sch),
                                       "registered": {"file": kl[0], "line": kl[1]} if kl else None}
            # A raw server decides replacement in PlanResourceChange, for
            # every resource type it serves.
            prc = interp.method(recv.tname, "PlanResourceChange")
            if prc is not None:
                for name in res["resource"]:
                    conv.rr_roots.append((name, FuncVal(prc[0], prc[1])))
        out.append(res)
    return out


def origin_json(origin):
    if origin is None:
        return None
    f, line, text = origin
    m = re.match(r'^"[^"]*"\s*:\s*(.*?),?$', text)
    return {"file": f, "line": line, "expression": m.group(1) if m else text}


# ---------------------------------------------------------------------------
# The schema file: structure checks, and flags written in place
# ---------------------------------------------------------------------------


def compare_tree(node, jblock, ctx, path, out):
    """Differences in names and kinds between a recovered tree and the file."""
    jattrs = jblock.get("attributes", {}) or {}
    jblocks = jblock.get("block_types", {}) or {}
    for name, child in node.children.items():
        p = path + [name]
        if child.kind == "?":
            continue
        if name in jattrs:
            jk = "attribute"
        elif name in jblocks:
            jk = "block"
        else:
            out.append((ctx, ".".join(p), f"recovered {child.kind} is not in the schema file"))
            continue
        if child.kind != jk:
            out.append((ctx, ".".join(p), f"recovered as {child.kind}, the schema file has a {jk}"))
        elif jk == "block":
            compare_tree(child, jblocks[name]["block"], ctx, p, out)
        elif child.children:  # framework nested attributes
            out.append((ctx, ".".join(p), "recovered with nested attributes, the schema file has none"))
    for name in list(jattrs) + list(jblocks):
        if name not in node.children:
            out.append((ctx, ".".join(path + [name]), "in the schema file, not recovered"))


def json_block_of(jprov, kind, typ):
    if kind == "provider":
        return jprov.get("provider", {}).get("block")
    key = "resource_schemas" if kind == "resource" else "data_source_schemas"
    s = jprov.get(key, {}).get(typ)
    return s.get("block") if s is not None else None


def check_path(jblock, path, element):
    """None when `path` is in the file as `element`, otherwise why not."""
    if jblock is None:
        return "type not in the schema file"
    if element == "type":
        return None
    b = jblock
    for i, name in enumerate(path[:-1]):
        bt = (b.get("block_types") or {}).get(name)
        if bt is None:
            if name in (b.get("attributes") or {}):
                return f"{'.'.join(path[:i + 1])} is an attribute in the schema file"
            return f"{'.'.join(path[:i + 1])} is not in the schema file"
        b = bt["block"]
    last = path[-1]
    in_attrs = last in (b.get("attributes") or {})
    in_blocks = last in (b.get("block_types") or {})
    if element == "attribute":
        if in_attrs:
            return None
        return "a block in the schema file" if in_blocks else "not in the schema file"
    if in_blocks:
        return None
    return "an attribute in the schema file" if in_attrs else "not in the schema file"


class JObj:
    __slots__ = ("start", "end", "keys")

    def __init__(self, start):
        self.start = start
        self.end = None
        self.keys = []  # (key, key start, value node, value end)

    def get(self, key):
        for k, _, v, _ in self.keys:
            if k == key:
                return v
        return None


_JSTR = re.compile(r'"(?:\\.|[^"\\])*"')
_JSCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
_JWS = re.compile(r"[ \t\r\n]*")


def jparse(text, i=0):
    """Parse JSON keeping where every object and key starts and ends."""
    i = _JWS.match(text, i).end()
    c = text[i]
    if c == "{":
        o = JObj(i)
        i += 1
        i = _JWS.match(text, i).end()
        if text[i] == "}":
            o.end = i + 1
            return o, i + 1
        while True:
            i = _JWS.match(text, i).end()
            m = _JSTR.match(text, i)
            key = json.loads(m.group())
            kstart = i
            i = _JWS.match(text, m.end()).end()
            assert text[i] == ":"
            v, i = jparse(text, i + 1)
            o.keys.append((key, kstart, v, i))
            i = _JWS.match(text, i).end()
            if text[i] == ",":
                i += 1
                continue
            assert text[i] == "}", text[i - 20:i + 20]
            o.end = i + 1
            return o, i + 1
    if c == "[":
        i += 1
        items = []
        i = _JWS.match(text, i).end()
        if text[i] == "]":
            return ("array", items), i + 1
        while True:
            v, i = jparse(text, i)
            items.append(v)
            i = _JWS.match(text, i).end()
            if text[i] == ",":
                i += 1
                continue
            assert text[i] == "]"
            return ("array", items), i + 1
    if c == '"':
        m = _JSTR.match(text, i)
        return ("string", m.group()), m.end()
    m = _JSCALAR.match(text, i)
    return ("scalar", m.group()), m.end()


ATTR_ORDER = ["type", "nested_type", "description", "description_kind", "deprecated",
              "deprecation_message", "required", "optional", "computed", "sensitive", "write_only"]
BLOCK_ORDER = ["attributes", "block_types", "description", "description_kind", "deprecated"]


def schema_objects(root, addr):
    """Yield (kind, type, path, element, JObj) for every block and attribute."""
    prov = root.get("provider_schemas").get(addr)

    def walk(kind, typ, block, path):
        yield kind, typ, path, "block" if path else "type", block
        attrs = block.get("attributes")
        if isinstance(attrs, JObj):
            for name, _, a, _ in attrs.keys:
                yield kind, typ, path + [name], "attribute", a
        bts = block.get("block_types")
        if isinstance(bts, JObj):
            for name, _, bt, _ in bts.keys:
                yield from walk(kind, typ, bt.get("block"), path + [name])

    p = prov.get("provider")
    if p is not None:
        yield from walk("provider", "", p.get("block"), [])
    for kind, key in (("resource", "resource_schemas"), ("data source", "data_source_schemas")):
        m = prov.get(key)
        if isinstance(m, JObj):
            for typ, _, s, _ in m.keys:
                yield from walk(kind, typ, s.get("block"), [])


def strip_flags(text, addr):
    """The file without any sensitive/deprecated flag, and the flags it had."""
    root, _ = jparse(text)
    cuts = []
    had = set()
    for kind, typ, path, element, obj in schema_objects(root, addr):
        for idx, (k, kstart, v, vend) in enumerate(obj.keys):
            if k in ("sensitive", "deprecated") and v == ("scalar", "true"):
                had.add((kind, typ, tuple(path), element, k))
                if idx + 1 < len(obj.keys):
                    cuts.append((kstart, obj.keys[idx + 1][1]))
                else:
                    prev_end = obj.keys[idx - 1][3] if idx > 0 else kstart
                    cuts.append((prev_end, vend))
    for s, e in sorted(cuts, reverse=True):
        text = text[:s] + text[e:]
    return text, had


def add_flags(text, addr, wanted):
    """Insert `"flag":true` for each (kind, type, path, element, flag) wanted."""
    root, _ = jparse(text)
    index = {}
    for kind, typ, path, element, obj in schema_objects(root, addr):
        index[(kind, typ, tuple(path), element)] = obj
    edits = []
    for kind, typ, path, element, flag in sorted(wanted):
        obj = index.get((kind, typ, tuple(path), element))
        if obj is None:
            raise SystemExit(f"internal error: {kind} {typ} {'.'.join(path)} not in the file")
        order = ATTR_ORDER if element == "attribute" else BLOCK_ORDER
        rank = order.index(flag)
        pos = None
        for k, kstart, v, vend in obj.keys:
            if k == flag:
                raise SystemExit(f"internal error: {flag} already set on {typ} {'.'.join(path)}")
            if (order.index(k) if k in order else len(order)) > rank:
                pos = (kstart, f'"{flag}":true,')
                break
        if pos is None:
            if obj.keys:
                pos = (obj.end - 1, f',"{flag}":true')
            else:
                pos = (obj.end - 1, f'"{flag}":true')
        edits.append((pos[0], rank, pos[1]))
    for at, _, ins in sorted(edits, reverse=True):
        text = text[:at] + ins + text[at:]
    return text


def without_flags(v):
    """A parsed schema file with every sensitive/deprecated key removed."""
    if isinstance(v, dict):
        return {k: without_flags(x) for k, x in v.items() if not (k in ("sensitive", "deprecated") and x is True)}
    if isinstance(v, list):
        return [without_flags(x) for x in v]
    return v


# ---------------------------------------------------------------------------
# Source lines that set a flag, to find any no registered type reaches
# ---------------------------------------------------------------------------


def flag_occurrences(prog):
    occ = {}
    for fname, text in prog.texts.items():
        toks = lex(text)
        for i, t in enumerate(toks):
            if t.kind != "id" or t.val not in ("Sensitive", "Deprecated", "DeprecationMessage"):
                continue
            nxt = toks[i + 1]
            prev = toks[i - 1] if i else None
            if nxt.kind == "op" and nxt.val == ":":
                v = toks[i + 2]
                after = toks[i + 3]
                if v.kind == "id" and v.val == "false":
                    continue
                if v.kind == "str" and v.val == "" and after.kind == "op" and after.val in (",", "}", ";"):
                    continue
                occ[(fname, t.line)] = t.val
            elif prev is not None and prev.kind == "op" and prev.val == "." and nxt.kind == "op" and nxt.val == "=":
                occ[(fname, t.line)] = t.val
    return occ


def references(prog, where):
    """Up to three source lines that name the function (or method's type)."""
    m = re.match(r"^(?:\((\w+)\) )?(\w+)$", where)
    if not m:
        return []
    name = m.group(1) or m.group(2)
    pat = re.compile(r"\b" + re.escape(name) + r"\b")
    decl = re.compile(r"^\s*(func\b|type\b|\}|//)")
    out = []
    for fname in sorted(prog.texts):
        text = prog.texts[fname]
        if name not in text:
            continue
        for i, ln in enumerate(text.split("\n"), 1):
            if pat.search(ln) and not decl.match(ln) and not re.search(r"\bfunc \(\w+ \*?" + re.escape(name) + r"\)", ln):
                out.append(f"{fname}:{i}: {ln.strip()[:120]}")
                if len(out) == 3:
                    return out
    return out


def enclosing_function(prog, fname, line):
    d = os.path.dirname(fname)
    for pkg in prog.packages.values():
        if pkg is None or pkg.dir != d:
            continue
        for f in list(pkg.funcs.values()) + list(pkg.methods.values()):
            if f.file.name != fname or f.body_range is None:
                continue
            end = f.file.toks[f.body_range[1] - 1].line
            if f.line <= line <= end:
                return (f"({f.recv}) " if f.recv else "") + f.name
        best = None
        for v in pkg.vars.values():
            if v.file.name == fname and v.line <= line and (best is None or v.line > best.line):
                best = v
        return ("var " + best.name) if best is not None else "a package-level declaration"
    return "a package not reached from the provider's entry points"


# ---------------------------------------------------------------------------
# Replacement decided by code: CustomizeDiff and plan functions
# ---------------------------------------------------------------------------


def offset_tokens(text):
    """Tokens with offsets, for quoting source: (kind, value, start, end, line);
    comments are dropped, newlines kept as kind "nl"."""
    out = []
    line = 1
    for m in TOKEN_RE.finditer(text):
        k = m.lastgroup
        v = m.group()
        if k in ("ws", "lc", "bc", "nl"):
            if "\n" in v:
                out.append(("nl", "\n", m.start(), m.end(), line))
                line += v.count("\n")
            continue
        out.append((k, v, m.start(), m.end(), line))
        if k == "raw":
            line += v.count("\n")
    return out


def _quote(text, toks, i, stop_at_newline):
    """The source text of the expression starting at token i, up to a ',' or
    closing bracket at depth 0 (or, for a statement, a newline at depth 0)."""
    depth = 0
    start = end = None
    while i < len(toks):
        k, v, s, e, _ = toks[i]
        if k == "nl":
            if depth == 0 and stop_at_newline and start is not None:
                break
        elif k == "op" and v in ("(", "[", "{"):
            depth += 1
        elif k == "op" and v in (")", "]", "}"):
            if depth == 0:
                break
            depth -= 1
        elif k == "op" and v in (",", ";") and depth == 0 and (v == ";" or not stop_at_newline):
            break
        if k != "nl":
            start = s if start is None else start
            end = e
        i += 1
    return " ".join(text[start:end].split()) if start is not None else ""


def replace_sites(prog):
    """Every source line where code, rather than a schema, decides that a
    change forces replacement: ResourceDiff.ForceNew(key) and customdiff's
    ForceNewIf/ForceNewIfChange(key, ...) in SDK CustomizeDiff functions;
    `RequiresReplace` set on a plan response (framework plan modifiers and
    ModifyPlan, tfprotov5 PlanResourceChange)."""
    sites = []
    for fname in sorted(prog.texts):
        text = prog.texts[fname]
        if "ForceNew" not in text and "RequiresReplace" not in text:
            continue
        toks = offset_tokens(text)
        sig = [i for i, t in enumerate(toks) if t[0] != "nl"]
        for n, i in enumerate(sig):
            k, v, _, _, line = toks[i]
            if k != "id" or n == 0 or n + 1 >= len(sig) or toks[sig[n - 1]][1] != ".":
                continue
            nxt = toks[sig[n + 1]]
            builds = False  # a call that builds a CustomizeDiff function
            if v in ("ForceNew", "ForceNewIf", "ForceNewIfChange") and nxt[1] == "(":
                call = v
                if v != "ForceNew":
                    builds = True
                    if n >= 2 and toks[sig[n - 2]][0] == "id":
                        call = toks[sig[n - 2]][1] + "." + v
                key = _quote(text, toks, sig[n + 1] + 1, False)
            elif v == "RequiresReplace" and nxt[0] == "op" and nxt[1] == "=":
                call = "RequiresReplace ="
                key = _quote(text, toks, sig[n + 1] + 1, True)
            elif (v == "RequiresReplace" and nxt[1] == "." and n + 3 < len(sig)
                  and toks[sig[n + 2]][1] == "Append" and toks[sig[n + 3]][1] == "("):
                call = "RequiresReplace.Append"
                key = _quote(text, toks, sig[n + 3] + 1, False)
            else:
                continue
            sites.append({"file": fname, "line": line, "call": call, "key": key, "builds": builds})
    return sites


def _direct_refs(prog, decl, pkg):
    """The provider's functions (and the receiver's methods) a function's
    body names: a static over-approximation of what it may call."""
    out = []
    if decl.body_range is None:
        return out
    toks = decl.file.toks
    s, e = decl.body_range
    imports = decl.file.imports
    for i in range(s, e):
        t = toks[i]
        if t.kind != "id" or (i > s and toks[i - 1].kind == "op" and toks[i - 1].val == "."):
            continue
        qualified = i + 2 < e and toks[i + 1].kind == "op" and toks[i + 1].val == "." and toks[i + 2].kind == "id"
        if qualified and t.val in imports:
            q = prog.package(imports[t.val])
            if q is not None and toks[i + 2].val in q.funcs:
                out.append((q.funcs[toks[i + 2].val], q))
            continue
        if qualified and decl.recv is not None and t.val == decl.recv_name:
            m = pkg.methods.get((decl.recv, toks[i + 2].val))
            if m is not None:
                out.append((m, pkg))
            continue
        if t.val in pkg.funcs:
            out.append((pkg.funcs[t.val], pkg))
    return out


def attach_sites(prog, roots, sites):
    """For each site, the resource types whose CustomizeDiff (plan modifier,
    ModifyPlan, PlanResourceChange) reaches it: a customdiff call when it was
    evaluated to build a CustomizeDiff (a function that merely contains one,
    e.g. a resource constructor called for its schema, builds a value it
    does not run); any other site statically, when it is in the body of a
    function CustomizeDiff runs or of one those bodies name."""
    by_file = {}
    for n, st in enumerate(sites):
        by_file.setdefault(st["file"], []).append(n)
    types = [set() for _ in sites]
    at = {}
    for n, st in enumerate(sites):
        at.setdefault((st["file"], st["line"]), []).append(n)
    refs = {}
    inside = {}

    def sites_in(decl):
        k = id(decl)
        if k not in inside:
            got = []
            if decl.body_range is not None:  # customdiff calls count only as evaluated
                lo = decl.file.toks[decl.body_range[0]].line
                hi = decl.file.toks[decl.body_range[1] - 1].line
                got = [n for n in by_file.get(decl.file.name, ()) if lo <= sites[n]["line"] <= hi
                       and not sites[n]["builds"]]
            inside[k] = got
        return inside[k]

    for typ, root in roots:
        if isinstance(root, tuple):
            for n in at.get(root, ()):
                types[n].add(typ)
            continue
        seen = set()
        todo = [(root.decl, root.pkg)]
        while todo:
            decl, pkg = todo.pop()
            if id(decl) in seen:
                continue
            seen.add(id(decl))
            for n in sites_in(decl):
                types[n].add(typ)
            if id(decl) not in refs:
                refs[id(decl)] = _direct_refs(prog, decl, pkg)
            todo.extend(refs[id(decl)])
    return [sorted(t) for t in types]


def check_replace_path(jblock, path, element):
    """check_path, also through the nested attributes of a framework
    attribute (`nested_type`), where a plan modifier may be."""
    why = check_path(jblock, path, element)
    if why is None or element != "attribute" or jblock is None:
        return why
    b = jblock
    for name in path[:-1]:
        bt = (b.get("block_types") or {}).get(name)
        at = (b.get("attributes") or {}).get(name)
        if bt is not None:
            b = bt["block"]
        elif at is not None and at.get("nested_type"):
            b = {"attributes": at["nested_type"].get("attributes") or {}}
        else:
            return why
    return None if path[-1] in (b.get("attributes") or {}) else why


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

KIND_ORDER = {"provider": 0, "resource": 1, "data source": 2}


def recover(cfg, git_dir, ref):
    source = GitSource(git_dir, ref)
    prog = Program(source, cfg["module"], cfg["source_dirs"])
    interp = Interp(prog, cfg["address"].rsplit("/", 1)[1] + "_")
    conv = Converter(interp)
    results = run_servers(cfg, prog, interp, conv)
    if prog.parse_errors:
        raise SystemExit("parse errors:\n" + "\n".join(prog.parse_errors))

    schema_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), cfg["schema_file"])
    with open(schema_path, encoding="utf-8") as fh:
        text = fh.read()
    jprov = json.loads(text)["provider_schemas"][cfg["address"]]

    # Muxing: types from every server; the provider schema must be the same in all.
    problems = []
    trees = {"resource": {}, "data source": {}}
    provider_tree = None
    provider_server = None
    for r in results:
        sname = r["server"]["kind"] + ":" + r["server"]["package"]
        if r["provider"] is not None and provider_tree is None:
            provider_tree = r["provider"]
            provider_server = sname
        for kind in trees:
            for name, v in r[kind].items():
                if name in trees[kind]:
                    problems.append(f"{kind} {name} is served twice")
                else:
                    trees[kind][name] = dict(v, server=sname)
    pflags = {}
    for f in conv.flags:
        if f["kind"] == "provider" and f["status"] == "set":
            pflags.setdefault(f["server"], set()).add((tuple(f["path"]), f["flag"]))
    base = pflags.get(provider_server, set())
    for sname, fl in pflags.items():
        if fl != base:
            problems.append(f"provider schema flags of {sname} differ from {provider_server}: "
                            f"{sorted(fl ^ base)}")

    # Structure: recovered types and trees against the file.
    structure = []
    for kind, key in (("resource", "resource_schemas"), ("data source", "data_source_schemas")):
        have = set(jprov.get(key, {}))
        got = set(trees[kind])
        for n in sorted(got - have):
            problems.append(f"{kind} {n} is recovered but not in {cfg['schema_file']}")
        for n in sorted(have - got):
            problems.append(f"{kind} {n} is in {cfg['schema_file']} but was not recovered")
        for n in sorted(got & have):
            compare_tree(trees[kind][n]["tree"], jprov[key][n]["block"], (kind, n), [], structure)
    for r in results:
        if r["provider"] is not None:
            # The mux refuses servers whose provider schemas differ, so each
            # one must match the file on its own.
            sname = r["server"]["kind"] + ":" + r["server"]["package"]
            compare_tree(r["provider"], jprov["provider"]["block"], ("provider", f"(server {sname})"), [],
                         structure)

    # Flags: each one checked against the file.
    flags, dropped, unmatched = [], [], []
    seen = {}
    for f in conv.flags:
        if f["kind"] == "provider" and f["server"] != provider_server:
            continue
        entry = {
            "kind": f["kind"], "type": f["type"], "path": ".".join(f["path"]), "element": f["element"],
            "flag": f["flag"],
        }
        if f["message"] is not None:
            entry["message"] = f["message"]
        entry["source"] = source_json(prog, f["loc"])
        if f["kind"] == "provider":
            others = [source_json(prog, g["loc"]) for g in conv.flags
                      if g["kind"] == "provider" and g["server"] != provider_server
                      and g["path"] == f["path"] and g["flag"] == f["flag"]]
            entry["registered"] = {"server": provider_server}
            if others:
                entry["same_flag_in_other_servers"] = others
        else:
            reg = trees[f["kind"]].get(f["type"], {}).get("registered")
            entry["registered"] = reg
        if f["status"] == "dropped":
            entry["reason"] = f["reason"]
            dropped.append(entry)
            continue
        why = check_path(json_block_of(jprov, f["kind"], f["type"]), f["path"], f["element"])
        if why is not None:
            entry["reason"] = why
            unmatched.append(entry)
            continue
        key = (f["kind"], f["type"], tuple(f["path"]), f["element"], f["flag"])
        if key in seen:
            continue
        seen[key] = entry
        flags.append(entry)

    def sort_key(e):
        return (KIND_ORDER[e["kind"]], e["type"], e["path"], e["flag"])

    flags.sort(key=sort_key)
    dropped.sort(key=sort_key)
    unmatched.sort(key=sort_key)

    occ = flag_occurrences(prog)
    unreached = []
    for (fname, line), what in sorted(occ.items()):
        if (fname, line) in interp.reached:
            continue
        where = enclosing_function(prog, fname, line)
        unreached.append({"file": fname, "line": line, "field": what,
                          "text": prog.texts[fname].split("\n")[line - 1].strip()[:160],
                          "in": where, "referenced_from": references(prog, where)})

    undecided = [{"file": k[0], "line": k[1], "in": v[0], "what": v[1], "while_evaluating": v[2]}
                 for k, v in sorted(interp.undecided.items())]

    # What forces replacement. Done after everything above: following the
    # functions CustomizeDiff runs may load packages nothing else reached.
    replace, replace_dropped, replace_unmatched = [], [], []
    rseen = set()
    for f in conv.replace:
        entry = OrderedDict([("kind", f["kind"]), ("type", f["type"]), ("path", ".".join(f["path"])),
                             ("element", f["element"])])
        if f["conditional"]:
            entry["conditional"] = True
        entry["source"] = source_json(prog, f["loc"])
        if f["dropped"] is not None:
            entry["reason"] = f["dropped"]
            (replace_unmatched if f["element"] == "nested" else replace_dropped).append(entry)
            continue
        why = check_replace_path(json_block_of(jprov, f["kind"], f["type"]), f["path"], f["element"])
        if why is not None:
            entry["reason"] = why
            replace_unmatched.append(entry)
            continue
        key = (f["type"], tuple(f["path"]), f["element"], f["conditional"])
        if key in rseen:
            continue
        rseen.add(key)
        replace.append(entry)

    def rr_key(e):
        return (e["type"], e["path"], e["element"], e.get("conditional", False))

    replace.sort(key=rr_key)
    replace_dropped.sort(key=rr_key)
    replace_unmatched.sort(key=rr_key)

    sites = replace_sites(prog)
    site_types = attach_sites(prog, conv.rr_roots, sites)
    replace_custom = []
    for st, types in zip(sites, site_types):
        replace_custom.append(OrderedDict([
            ("types", types), ("call", st["call"]), ("key", st["key"]),
            ("in", enclosing_function(prog, st["file"], st["line"])),
            ("source", source_json(prog, (st["file"], st["line"]))),
        ]))
    replace_undecided = [{"file": k[0], "line": k[1], "in": v[0], "what": v[1], "while_evaluating": v[2]}
                         for k, v in sorted(conv.rr_undecided.items())]

    counts = OrderedDict()
    counts["sensitive attributes"] = sum(1 for e in flags if e["flag"] == "sensitive")
    counts["deprecated attributes"] = sum(1 for e in flags if e["flag"] == "deprecated" and e["element"] == "attribute")
    counts["deprecated blocks"] = sum(1 for e in flags if e["flag"] == "deprecated" and e["element"] == "block")
    counts["deprecated types"] = sum(1 for e in flags if e["flag"] == "deprecated" and e["element"] == "type")
    counts["requires replace attributes"] = sum(1 for e in replace if e["element"] == "attribute")
    counts["requires replace blocks"] = sum(1 for e in replace if e["element"] == "block")
    counts["requires replace conditional"] = sum(1 for e in replace if e.get("conditional"))
    counts["requires replace resource types"] = len({e["type"] for e in replace})
    counts["requires replace custom"] = len(replace_custom)

    prov = OrderedDict()
    prov["//"] = ("Generated by schemas/tools/recover_flags.py from the provider's Go source; do not edit. "
                  "`flags` are written into " + cfg["schema_file"] + "; `dropped` are set in the source "
                  "but absent from terraform's schema by the SDK's own rules; `unmatched` were recovered "
                  "but do not fit " + cfg["schema_file"] + " and were not written; `unreached` are source "
                  "lines that set a flag in code no registered type reaches.")
    prov["provider"] = cfg["address"]
    prov["version"] = cfg["version"]
    prov["source"] = OrderedDict([("repository", cfg["repository"]), ("tag", ref),
                                  ("commit", source.commit)])
    prov["counts"] = counts
    prov["flags"] = flags
    prov["dropped"] = dropped
    prov["unmatched"] = unmatched
    prov["ambiguous"] = conv.ambiguous
    prov["unreached"] = unreached
    prov["undecided_branches"] = undecided
    prov["problems"] = problems
    table = "flags/requires-replace-" + cfg["address"].rsplit("/", 1)[1] + ".tsv"
    prov["//requires_replace"] = (
        "What forces replacement of a resource when it changes (terraform's \"forces replacement\"): "
        "`requires_replace` are SDK `ForceNew: true` on an attribute or nested block (on a block, the SDK "
        "applies it to adding or removing blocks; the attributes inside carry their own) and framework "
        "`<x>planmodifier.RequiresReplace*()` plan modifiers (`conditional` for RequiresReplaceIf*), each "
        "checked against " + cfg["schema_file"] + " and listed in " + table + "; `requires_replace_dropped` "
        "are set in the source but ignored by the SDK; `requires_replace_unmatched` were recovered but have "
        "no path in " + cfg["schema_file"] + "; `requires_replace_custom` are the source lines where code "
        "decides it (CustomizeDiff's ForceNew/ForceNewIf/ForceNewIfChange, RequiresReplace set in a plan "
        "function), which cannot be evaluated and are not in the table, each with the resource types that "
        "reach it (a customdiff call when a resource's CustomizeDiff is built with it; any other line "
        "statically, when it is in a function that CustomizeDiff or a plan function runs or that such a "
        "function's body names); `requires_replace_ambiguous` and `requires_replace_undecided_branches` "
        "are what the interpreter could not decide while reading them.")
    prov["requires_replace"] = replace
    prov["requires_replace_dropped"] = replace_dropped
    prov["requires_replace_unmatched"] = replace_unmatched
    prov["requires_replace_custom"] = replace_custom
    prov["requires_replace_ambiguous"] = conv.rr_ambiguous
    prov["requires_replace_undecided_branches"] = replace_undecided
    return {
        "prov": prov, "text": text, "schema_path": schema_path, "structure": structure,
        "trees": trees, "source": source,
    }


def source_json(prog, loc):
    if loc is None:
        return None
    f, line = loc
    lines = prog.texts[f].split("\n")
    return OrderedDict([("file", f), ("line", line), ("text", lines[line - 1].strip()[:200])])


# Long lists of the provenance file written one entry a line.
ONE_LINE_LISTS = ("requires_replace", "requires_replace_dropped", "requires_replace_unmatched",
                  "requires_replace_custom")


def render_prov(prov):
    """The provenance file: indented JSON, but the requires_replace lists
    (thousands of entries) with one entry on each line."""
    shown = OrderedDict(prov)
    marks = {}
    for k in ONE_LINE_LISTS:
        if shown.get(k):
            marks[k] = json.dumps("\0" + k + "\0")
            shown[k] = "\0" + k + "\0"
    text = json.dumps(shown, indent=2, ensure_ascii=False) + "\n"
    for k, mark in marks.items():
        lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in prov[k])
        text = text.replace(mark, "[\n" + lines + "\n  ]", 1)
    if json.loads(text) != json.loads(json.dumps(prov)):
        raise SystemExit("internal error: the provenance file does not hold what was recovered")
    return text


def render(cfg, r):
    """The schema file with the flags, and the provenance file's text."""
    base, _ = strip_flags(r["text"], cfg["address"])
    wanted = {(e["kind"], e["type"], tuple(e["path"].split(".")) if e["path"] else (), e["element"], e["flag"])
              for e in r["prov"]["flags"]}
    new = add_flags(base, cfg["address"], wanted)
    # Only flags were added: the files are equal without them, and the new
    # one holds exactly the wanted flags.
    if without_flags(json.loads(new)) != without_flags(json.loads(r["text"])):
        raise SystemExit("internal error: writing flags changed something else")
    _, had = strip_flags(new, cfg["address"])
    if had != wanted:
        raise SystemExit("internal error: the written flags differ from the recovered ones")
    prov_text = render_prov(r["prov"])
    return new, prov_text


def render_replace_table(cfg, provider, r):
    """flags/requires-replace-<provider>.tsv: one line per resource path
    whose change forces replacement, for tfsynth to embed."""
    p = r["prov"]
    src = p["source"]
    repo_name = cfg["repository"].rstrip("/").rsplit("/", 1)[1]
    lines = [
        f"# Resource attribute and block paths of {cfg['address']} {cfg['version']} whose change forces",
        "# replacement (terraform plans \"must be replaced\"): SDKv2 `ForceNew: true` (on a block: adding or",
        "# removing one of its blocks) and framework RequiresReplace* plan modifiers (`conditional`:",
        "# RequiresReplaceIf*, replacement only when the provider's function says so).",
        f"# Source: {src['repository']} tag {src['tag']}, commit {src['commit']}.",
        "# Not covered: replacement decided by code (SDK CustomizeDiff ForceNew/ForceNewIf/ForceNewIfChange,",
        f"# plan functions); those calls are listed in flags/{provider}-{cfg['version']}.json under",
        "# requires_replace_custom.",
        "# Generated; do not edit. Regenerate from the repository root with a clone that has the tag:",
        f"#   python3 schemas/tools/recover_flags.py {provider} --git-dir PATH/TO/{repo_name} --write",
        "# Columns (tab-separated): resource type, dotted path through nested blocks, attribute or",
        "# block (a block's change of contents is up to its own attributes)[, conditional].",
    ]
    rows = {}
    for e in p["requires_replace"]:
        if e["kind"] != "resource":
            continue
        k = (e["type"], e["path"], e["element"])
        # Unconditional wins when a path is both.
        rows[k] = rows.get(k, True) and bool(e.get("conditional"))
    for (typ, path, element), cond in sorted(rows.items()):
        lines.append(f"{typ}\t{path}\t{element}" + ("\tconditional" if cond else ""))
    return "\n".join(lines) + "\n"


def report(cfg, r, verbose, out=sys.stdout):
    p = r["prov"]
    w = out.write
    w(f"{cfg['address']} {cfg['version']}: {cfg['repository']} tag {p['source']['tag']} "
      f"= commit {p['source']['commit']}\n")
    for k, v in p["counts"].items():
        w(f"  {k}: {v}\n")
    w(f"  dropped by the SDK's rules: {len(p['dropped'])}\n")
    w(f"  unmatched (not written): {len(p['unmatched'])}\n")
    for e in p["unmatched"]:
        w(f"    {e['kind']} {e['type']} {e['path']} ({e['element']} {e['flag']}): {e['reason']}\n")
    w(f"  ambiguous: {len(p['ambiguous'])}\n")
    for e in p["ambiguous"]:
        w(f"    {e['kind']} {e['type']} {e['path']}: {e['what']}\n")
    w(f"  source lines setting a flag that no registered type reaches: {len(p['unreached'])}\n")
    for e in p["unreached"]:
        w(f"    {e['file']}:{e['line']} in {e['in']}: {e['text'][:100]}\n")
    w(f"  branches the interpreter could not decide: {len(p['undecided_branches'])}\n")
    if verbose:
        for e in p["undecided_branches"]:
            w(f"    {e['file']}:{e['line']} in {e['in']}: {e['what']} ({e['while_evaluating']})\n")
    w(f"  problems: {len(p['problems'])}\n")
    for e in p["problems"]:
        w(f"    {e}\n")
    w(f"  requires replace, ignored by the SDK: {len(p['requires_replace_dropped'])}\n")
    w(f"  requires replace, unmatched (not in the table): {len(p['requires_replace_unmatched'])}\n")
    for e in p["requires_replace_unmatched"]:
        w(f"    {e['type']} {e['path']} ({e['element']}): {e['reason']}\n")
    w(f"  requires replace decided by code (not in the table): {len(p['requires_replace_custom'])}, "
      f"{sum(1 for e in p['requires_replace_custom'] if not e['types'])} of them reached from no resource type\n")
    if verbose:
        for e in p["requires_replace_custom"]:
            w(f"    {e['source']['file']}:{e['source']['line']} {e['call']}({e['key']}) "
              f"[{', '.join(e['types']) or 'no resource type'}]\n")
    w(f"  requires replace, ambiguous: {len(p['requires_replace_ambiguous'])}\n")
    for e in p["requires_replace_ambiguous"]:
        w(f"    {e['kind']} {e['type']} {e['path']}: {e['what']}\n")
    w(f"  requires replace, branches the interpreter could not decide: "
      f"{len(p['requires_replace_undecided_branches'])}\n")
    if verbose:
        for e in p["requires_replace_undecided_branches"]:
            w(f"    {e['file']}:{e['line']} in {e['in']}: {e['what']} ({e['while_evaluating']})\n")
    st = r["structure"]
    w(f"  structure differences between the recovered schemas and {cfg['schema_file']}: {len(st)}\n")
    for ctx, path, why in st[: (len(st) if verbose else 20)]:
        w(f"    {ctx[0]} {ctx[1]} {path}: {why}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("provider", choices=sorted(PROVIDERS))
    ap.add_argument("--git-dir", required=True, help="a clone of the provider's repository")
    ap.add_argument("--ref", help="tag or commit (default: the pinned tag)")
    ap.add_argument("--write", action="store_true", help="write the schema and provenance files")
    ap.add_argument("--check", action="store_true", help="fail unless both files are up to date")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args(argv)
    cfg = PROVIDERS[args.provider]
    r = recover(cfg, args.git_dir, args.ref or cfg["ref"])
    report(cfg, r, args.verbose)
    new, prov_text = render(cfg, r)
    table_text = render_replace_table(cfg, args.provider, r)
    flags_dir = os.path.join(os.path.dirname(r["schema_path"]), "flags")
    prov_path = os.path.join(flags_dir, f"{args.provider}-{cfg['version']}.json")
    table_path = os.path.join(flags_dir, f"requires-replace-{args.provider}.tsv")
    if args.write:
        os.makedirs(flags_dir, exist_ok=True)
        with open(r["schema_path"], "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
        with open(prov_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(prov_text)
        with open(table_path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(table_text)
        print(f"wrote {r['schema_path']}, {prov_path} and {table_path}")
    if args.check:
        stale = []
        if new != r["text"]:
            stale.append(r["schema_path"])
        for path, want in ((prov_path, prov_text), (table_path, table_text)):
            try:
                with open(path, encoding="utf-8", newline="") as fh:
                    if fh.read() != want:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        if stale:
            print("stale: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("up to date")
    return 0


def _run():
    # Deeply nested schema literals recurse deeply: give the interpreter room.
    import threading
    sys.setrecursionlimit(200000)
    threading.stack_size(1024 * 1024 * 1024)
    result = []

    def target():
        try:
            result.append(main())
        except SystemExit as e:
            if isinstance(e.code, str):
                print(e.code, file=sys.stderr)
                result.append(1)
            else:
                result.append(e.code or 0)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    sys.exit(result[0] if result else 2)


if __name__ == "__main__":
    _run()
