#!/usr/bin/env python3
"""One region's roadmap cut from an exported workbook, as a ZIP of CSV sheets (for roadmap.sh region).

    region_workbook.py EXPORT.xlsx OUT.zip --code CODE --region KATO --territories ID_OR_KATO,...

Reads the XLSX that `uade roadmap export` writes (inline strings, numbers, booleans, dates by
their cell style) with the standard library only, streaming each sheet, and writes the sheets
`programme` (level region, the region as its territory, the new code), `sections` and
`indicators` as they are, and the `targets`, `measures` and `owners` rows of the given
territories (owners of a section, which have no territory, are kept), with the `people` those
owners name. Prints the number of target cells written.
"""
import argparse
import csv
import datetime
import io
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
BUILTIN_DATES = set(range(14, 23)) | {45, 46, 47}
EPOCH = datetime.date(1899, 12, 30)


def column_index(reference):
    letters = re.match(r"[A-Z]+", reference).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class Workbook:
    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        rels = ET.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(PKG + "Relationship")}
        book = ET.fromstring(self.zip.read("xl/workbook.xml"))
        self.sheets = {}
        for sheet in book.iter(MAIN + "sheet"):
            target = targets[sheet.get(REL + "id")].lstrip("/")
            self.sheets[sheet.get("name")] = target if target.startswith("xl/") else "xl/" + target
        self.date_styles = set()
        if "xl/styles.xml" in self.zip.namelist():
            styles = ET.fromstring(self.zip.read("xl/styles.xml"))
            custom = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.iter(MAIN + "numFmt")}
            xfs = styles.find(MAIN + "cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else []):
                fmt = int(xf.get("numFmtId", "0"))
                code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", custom.get(fmt, "")).lower()
                if fmt in BUILTIN_DATES or (fmt in custom and re.search(r"[dmy]", code)):
                    self.date_styles.add(index)

    def rows(self, name):
        """The sheet's rows as lists of strings ('' for an empty cell), the header first."""
        with self.zip.open(self.sheets[name]) as stream:
            parent = None
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    if element.tag == MAIN + "sheetData":
                        parent = element
                    continue
                if element.tag != MAIN + "row":
                    continue
                cells = []
                for c in element.iter(MAIN + "c"):
                    index = column_index(c.get("r")) if c.get("r") else len(cells)
                    kind = c.get("t", "n")
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter(MAIN + "t"))
                    else:
                        v = c.find(MAIN + "v")
                        value = v.text if v is not None and v.text is not None else ""
                        if kind == "b":
                            value = "true" if value == "1" else "false"
                        elif kind == "e":
                            value = value
                        elif kind == "n" and value and int(c.get("s", "0")) in self.date_styles:
                            value = (EPOCH + datetime.timedelta(days=float(value))).isoformat()
                    value = value.replace("_x005F_x", "_x")
                    while len(cells) < index:
                        cells.append("")
                    cells.append(value)
                element.clear()
                if parent is not None:
                    parent.clear()
                yield cells


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("export")
    parser.add_argument("output")
    parser.add_argument("--code", required=True)
    parser.add_argument("--region", required=True, help="the region's KATO code")
    parser.add_argument("--territories", required=True, help="the region and the territories below it, as the workbook names them")
    parser.add_argument("--name-suffix", default=" (region benchmark)")
    args = parser.parse_args()
    keep = set(args.territories.split(","))
    book = Workbook(args.export)
    sheets = {}
    cells = 0

    def sheet(name, transform=None, keep_row=None):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        rows = book.rows(name)
        header = next(rows, None)
        if header is None:
            return None
        writer.writerow(header)
        kept = []
        for row in rows:
            row = row[: len(header)] + [""] * (len(header) - len(row))
            if not any(row):
                continue
            if keep_row and not keep_row(header, row):
                continue
            if transform:
                row = transform(header, row)
            writer.writerow(row)
            kept.append(row)
        sheets[name] = out.getvalue()
        return header, kept

    def programme(header, row):
        row = list(row)
        fields = {"code": args.code, "level": "region", "territory_kato": args.region}
        for column, value in fields.items():
            row[header.index(column)] = value
        for column in ("name_kk", "name_ru", "name_en"):
            if column in header and row[header.index(column)]:
                row[header.index(column)] += args.name_suffix
        return row

    def in_region(header, row):
        territory = row[header.index("territory_kato")] if "territory_kato" in header else ""
        return territory == "" or territory in keep

    sheet("programme", transform=programme)
    sheet("sections")
    sheet("indicators")
    header, targets = sheet("targets", keep_row=lambda h, r: r[h.index("territory_kato")] in keep)
    periods = [i for i, column in enumerate(header) if column not in ("indicator_code", "territory_kato")]
    cells = sum(1 for row in targets for i in periods if row[i] != "")
    if "measures" in book.sheets:
        sheet("measures", keep_row=lambda h, r: r[h.index("territory_kato")] in keep)
    named = set()
    if "owners" in book.sheets:
        header, owners = sheet("owners", keep_row=in_region)
        named = {row[header.index("person_code")] for row in owners}
    if "people" in book.sheets:
        sheet("people", keep_row=lambda h, r: r[h.index("code")] in named)

    with zipfile.ZipFile(args.output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sheets.items():
            archive.writestr(name + ".csv", text.encode("utf-8"))
    for name, text in sheets.items():
        print(f"{name}: {text.count(chr(10)) - 1} rows", file=sys.stderr)
    print(cells)


if __name__ == "__main__":
    main()
