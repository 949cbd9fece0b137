from PIL import Image

from printer.cli import main, print_test, sample_ticket


def test_print_test_dummy_with_preview(tmp_path, capsys):
    preview = tmp_path / "ticket.png"
    assert print_test("dummy", str(preview)) == 0
    assert Image.open(preview).width == 576
    out = capsys.readouterr().out
    assert "P001" in out and "status" in out and str(preview) in out


def test_print_test_virtual_58mm(tmp_path, capsys):
    assert print_test(f"virtual:{tmp_path}", str(tmp_path / "p.png"), paper_mm=58) == 0
    data = (tmp_path / "0001-P001.bin").read_bytes()
    assert b"PTSA Kementerian" in data and b"Pengesahan Peraturan" in data
    assert Image.open(tmp_path / "p.png").width == 384
    assert "online, paper ok" in capsys.readouterr().out


def test_print_test_bad_spec(capsys):
    assert print_test("laser:1", None) == 2
    assert "Accepted forms" in capsys.readouterr().out


def test_print_test_printer_failure(closed_port, capsys):
    assert print_test(f"network:127.0.0.1:{closed_port}", None) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "offline" in out


def test_print_test_paper_out(tmp_path, capsys):
    (tmp_path / "state").write_text("paper_out")
    assert print_test(f"virtual:{tmp_path}", None) == 1
    assert "paper OUT" in capsys.readouterr().out


def test_print_test_unwritable_preview(tmp_path):
    assert print_test("dummy", str(tmp_path / "no" / "such" / "dir.png")) == 1


def test_sample_ticket_is_indonesian():
    ticket = sample_ticket()
    assert ticket.language == "id" and ticket.number == "P001"
    assert ticket.office_name == "PTSA Kementerian Ketenagakerjaan"
    assert ticket.issued_at.tzinfo is not None


def test_main(tmp_path):
    assert main(["--printer", f"virtual:{tmp_path}", "--paper-mm", "58"]) == 0
