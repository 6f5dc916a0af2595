"""Bulk import from spreadsheets: the templates round-trip, a file with any problem imports
nothing and says which row and column, bad files get clear messages (never a 500)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safetynet.audit.models import AuditEvent
from safetynet.programmes.indicators import programme_figures
from safetynet.programmes.models import (
    AwarenessEvent,
    TrainingParticipation,
    TrainingProgramme,
    VigilanceCommittee,
)

pytestmark = pytest.mark.django_db

COMMITTEES = "/programmes/committees/import/"
HEADER = "district,village,formed_on,members_female,members_male,active\n"


def _upload(client, url, name, content, follow=False):
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=follow)


def _problems(response) -> list[tuple[str, str, str]]:
    """The report table as (row, column, message) rows."""
    import re

    page = response.content.decode()
    body = page[page.index('id="problem-list"'):page.index("</table>", page.index('id="problem-list"'))]
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"code\">(.*?)</td><td>(.*?)</td></tr>", body)
    return [(r, c, m.replace("&#x27;", "'").replace("&quot;", '"')) for r, c, m in rows]


def test_xlsx_template_round_trip(client_for, users):
    client = client_for("ngo_kish")
    response = client.get("/programmes/committees/template.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="committees-template.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Data", "Help", "Places"]
    data = book["Data"]
    header = [c.value for c in data[1]]
    assert header == ["district", "village", "formed_on", "members_female", "members_male", "active"]
    assert "YYYY-MM-DD" in data["C1"].comment.text and "Required." in data["C1"].comment.text
    help_text = "\n".join(str(c.value) for row in book["Help"].iter_rows() for c in row if c.value)
    assert "DD/MM/YYYY (28/11/2026)" in help_text and "nothing is imported" in help_text
    assert ["IN-BR-KISH", "Kishanganj", "District", "Bihar"] in [
        [c.value for c in row] for row in book["Places"].iter_rows()]

    before = programme_figures(user=users["ngo_kish"])["committees"]
    data.append(["IN-BR-KISH", "Belwa", "2009-03-14", 7, 5, "yes"])
    data.append(["Kishanganj", "Chakla", datetime.datetime(2009, 4, 1), 3, 8, None])  # a date cell, a name
    data.append(["IN-BR-KISH", "Dalla", "01/05/2009", 4, 4, "no"])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, COMMITTEES, "committees.xlsx", out.getvalue(), follow=True)
    assert response.redirect_chain == [("/programmes/committees/", 302)]
    assert "3 records imported." in response.content.decode()
    rows = {c.village: (c.formed_on, c.members_female + c.members_male, c.active)
            for c in VigilanceCommittee.objects.visible_to(users["ngo_kish"])}
    assert rows == {"Belwa": (datetime.date(2009, 3, 14), 12, True), "Chakla": (datetime.date(2009, 4, 1), 11, True),
                    "Dalla": (datetime.date(2009, 5, 1), 8, False)}
    assert programme_figures(user=users["ngo_kish"])["committees"] == before + 2  # active ones only
    audit = AuditEvent.objects.get(action="programme.import")
    assert audit.changes["imported"] == 3 and audit.changes["rows"] == 3 and not audit.changes["refused"]
    assert audit.agency.short_code == "NGO-KISH"


def test_csv_template_with_bom_round_trip(client_for, users):
    client = client_for("ngo_kish")
    template = client.get("/programmes/awareness-events/template.csv").content
    assert template.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark, as Excel saves it
    filled = template + ("street_theatre,14/03/2009,IN-BR-KISH,Belwa haat,120,100,70,150\n"
                         "School session,2009-03-20,Kishanganj,ক্ষুদিরাম বিদ্যালয়,40,35,75,0\n").encode()
    response = _upload(client, "/programmes/awareness-events/import/", "events.csv", filled)
    assert response.status_code == 302
    assert programme_figures(user=users["ngo_kish"])["reached"] == 295
    assert set(AwarenessEvent.objects.values_list("kind", flat=True)) == {"street_theatre", "school_session"}


def test_one_bad_row_imports_nothing_and_names_its_row_and_column(client_for):
    client = client_for("ngo_kish")
    content = (HEADER + "IN-BR-KISH,Belwa,2009-03-14,7,5,yes\n"
                        "IN-BR-KISH,Chakla,2009-14-03,3,8,yes\n"
                        "IN-BR-KISH,Dalla,2009-05-01,4,4,maybe\n"
                        "Aurangabad,Jhala,2009-05-01,4,4,yes\n"
                        "IN-BR-KISH,Khagra,2009-05-01,-2,0,yes\n").encode()
    response = _upload(client, COMMITTEES, "committees.csv", content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert _problems(response) == [
        ("3", "formed_on", "Enter a date as YYYY-MM-DD or DD/MM/YYYY."),
        ("4", "active", "Write yes or no."),
        ("5", "district", "More than one place has this name: write its code (the template's sheet \u201cPlaces\u201d "
                          "lists them)."),
        ("6", "members_female", "Enter a count of zero or more."),
    ]
    assert not VigilanceCommittee.objects.exists()  # not even the good row 2
    audit = AuditEvent.objects.get(action="programme.import")
    assert audit.changes["refused"] and audit.changes["problems"] == 4 and audit.changes["imported"] == 0
    assert not AuditEvent.objects.filter(action="programme.committee").exists()

    report = client.get("/programmes/committees/import/problems.csv")
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,problem" and lines[1] == "3,formed_on,Enter a date as YYYY-MM-DD or DD/MM/YYYY."


def test_a_service_error_in_a_row_is_reported_too(client_for):
    content = (b"kind,held_on,district,place,reached_female,reached_male,reached_children,reached_adults\n"
               b"street_theatre,2009-03-14,IN-BR-KISH,Belwa haat,120,100,70,150\n"
               b"rally,2009-03-14,IN-BR-KISH,Belwa haat,120,100,10,150\n")
    response = _upload(client_for("ngo_kish"), "/programmes/awareness-events/import/", "e.csv", content)
    assert _problems(response) == [
        ("3", "kind", "Not an allowed value: write one of street_theatre, school_session, meeting, village_assembly, "
                      "film, posters."),
    ]
    content = content.replace(b"rally", b"film")
    response = _upload(client_for("ngo_kish"), "/programmes/awareness-events/import/", "e.csv", content)
    assert _problems(response) == [
        ("3", "reached_children", "Women and men reached (220) and children and adults reached (160) must add up to "
                                  "the same number of people.")]
    assert not AwarenessEvent.objects.exists()


def test_a_reach_larger_than_the_village_imports_nothing(client_for):
    content = (b"kind,held_on,district,place,reached_female,reached_male,reached_children,reached_adults,"
               b"village_population\n"
               b"street_theatre,2009-03-14,IN-BR-KISH,Belwa haat,120,100,70,150,\n"
               b"film,2009-03-15,IN-BR-KISH,Chakla,120,100,70,150,200\n")
    response = _upload(client_for("ngo_kish"), "/programmes/awareness-events/import/", "e.csv", content)
    assert _problems(response) == [
        ("3", "reached_female", "More people reached (220) than live in the place (200): check the counts or the "
                                "population.")]
    assert not AwarenessEvent.objects.exists()


def test_a_wrong_column_is_reported_before_any_row(client_for):
    content = (b"district,vilage,formed_on,members_female,members_male,members_male\n"
               b"IN-BR-KISH,Belwa,not a date,7,5,5\n")
    response = _upload(client_for("ngo_kish"), COMMITTEES, "committees.csv", content)
    assert response.status_code == 400
    problems = _problems(response)
    assert problems == [
        ("1", "vilage", "Unknown column \u201cvilage\u201d. The columns are: district, village, formed_on, "
                        "members_female, members_male, active."),
        ("1", "members_male", "The column \u201cmembers_male\u201d appears twice."),
        ("1", "village", "The column \u201cvillage\u201d is missing."),
    ]  # and nothing about the row's date: rows are not read under a wrong header
    assert not VigilanceCommittee.objects.exists()


@pytest.mark.parametrize("name, content, message", [
    ("committees.txt", HEADER.encode(), "Only .csv and .xlsx files can be imported."),
    ("committees.xls", b"\xd0\xcf\x11\xe0", "This is the old Excel format (.xls). Save it as .xlsx or as CSV UTF-8."),
    ("committees.xlsx", HEADER.encode(), "This file is named .xlsx but is not an XLSX file."),
    ("committees.xlsx", b"PK\x03\x04broken", "This XLSX file cannot be read."),
    ("committees.csv", (HEADER + "IN-BR-KISH,B\xe9lwa,2009-03-14,7,5,yes\n").encode("latin-1"),
     "This CSV file is not in UTF-8."),
    ("committees.csv", b"\x89PNG\r\n\x1a\n\0\0", "This is not a CSV file"),
    ("committees.csv", b"", "The file is empty"),
    ("committees.csv", HEADER.encode(), "The file has a header row but no rows below it."),
    ("committees.csv", (HEADER + "IN-BR-KISH,Belwa,2009-03-14,7,5,yes\n" * 2001).encode(),
     "The file has more than 2,000 rows"),
    ("committees.csv", HEADER.encode() + b"x" * (2 * 1024 * 1024), "The file is larger than 2 MB"),
])
def test_bad_files_get_a_clear_message(client_for, name, content, message):
    response = _upload(client_for("ngo_kish"), COMMITTEES, name, content)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert not VigilanceCommittee.objects.exists()


def test_no_file_chosen(client_for):
    response = client_for("ngo_kish").post(COMMITTEES, {})
    assert response.status_code == 400 and "Choose a file to import." in response.content.decode()


def test_training_programmes_and_later_trainees_from_spreadsheets(client_for, users):
    client = client_for("me_officer")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/programmes/training-programmes/template.xlsx").content))
    header = [c.value for c in book["Data"][1]]
    assert header[-8:] == ["police", "prosecutors", "judiciary", "border", "ngos", "caregivers", "hotel_transport",
                           "teachers"]
    row = {"title": "Investigating trafficking crimes", "state": "Bihar", "starts_on": "2009-03-14",
           "ends_on": "2009-03-16", "venue": "Rajgir", "language": "Hindi", "police": 30, "prosecutors": 4}
    book["Data"].append([row.get(h) for h in header])
    book["Data"].append([{**row, "starts_on": "2009-06-01", "ends_on": "2009-06-02", "police": 25}.get(h)
                         for h in header])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, "/programmes/training-programmes/import/", "p.xlsx", out.getvalue())
    assert response.status_code == 302
    assert programme_figures(user=users["me_officer"])["trained"] == 63

    trainees = (b"programme,programme_starts_on,judiciary,ngos\n"
                b"Investigating trafficking crimes,,3,\n")
    response = _upload(client, "/programmes/trainees/import/", "t.csv", trainees)
    assert _problems(response) == [
        ("2", "programme", "More than one of your programmes has this title: give its start date in "
                           "programme_starts_on.")]
    trainees = (b"programme,programme_starts_on,judiciary,ngos\n"
                b"Investigating trafficking crimes,14/03/2009,3,\n"
                b"investigating trafficking crimes,2009-06-01,,6\n")
    response = _upload(client, "/programmes/trainees/import/", "t.csv", trainees)
    assert response.status_code == 302
    assert TrainingProgramme.objects.count() == 2
    assert TrainingParticipation.objects.filter(category__in=["judiciary", "ngos"]).count() == 2
    assert programme_figures(user=users["me_officer"])["trained"] == 72


def test_another_agencys_records_are_not_in_its_templates_or_lists(client_for):
    _upload(client_for("ngo_kish"), COMMITTEES, "c.csv", (HEADER + "IN-BR-KISH,Belwa,2009-03-14,7,5,yes\n").encode())
    assert VigilanceCommittee.objects.count() == 1
    book = openpyxl.load_workbook(io.BytesIO(client_for("ngo_n24p").get("/programmes/outcomes/template.xlsx").content))
    assert [r for r in book["Committees"].iter_rows(values_only=True) if any(r)] == [("village", "place", "formed on")]
    assert "Belwa" not in client_for("ngo_n24p").get("/programmes/committees/").content.decode()
    content = (b"kind,prevented_on,persons,district,committee\n"
               b"child_marriage,2009-04-01,1,IN-WB-N24P,Belwa\n")
    response = _upload(client_for("ngo_n24p"), "/programmes/outcomes/import/", "o.csv", content)
    assert _problems(response) == [("2", "committee", "None of your agency's committees is in this village.")]
