"""The printable 台账 binder: `book` lays a period out (forms.py knows each record type's form),
`pdf` prints it with Typst (binder.typ), `word` writes the same book as a .docx."""
