"""What `containr deploy` uploads: git's ignore rules, .containrignore, and a reproducible
archive (interfaces/cli/pack.py)."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from interfaces.cli.pack import PackError, ignored, list_directory, pack, parse_rules


def leaves_out(patterns: str, path: str, *, is_dir: bool = False) -> bool:
    return ignored(parse_rules(patterns), path, is_dir)


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "expected"),
    [
        ("*.log", "debug.log", False, True),
        ("*.log", "logs/deep/debug.log", False, True),  # no slash: any depth
        ("*.log", "debug.log.txt", False, False),
        ("/build", "build", True, True),  # a leading slash anchors
        ("/build", "src/build", True, False),
        ("build/", "build", False, False),  # a trailing slash: directories only
        ("build/", "src/build", True, True),
        ("doc/*.txt", "doc/notes.txt", False, True),  # a slash in the middle anchors
        ("doc/*.txt", "doc/server/arch.txt", False, False),  # * never crosses a slash
        ("doc/*.txt", "sub/doc/notes.txt", False, False),
        ("**/foo", "foo", False, True),
        ("**/foo", "a/b/foo", False, True),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("abc/**", "abc/x/y", False, True),
        ("abc/**", "abc", True, False),
        ("fo?.py", "foo.py", False, True),
        ("fo?.py", "fooo.py", False, False),
        ("[abc].txt", "b.txt", False, True),
        ("[!abc].txt", "b.txt", False, False),
        ("[!abc].txt", "d.txt", False, True),
        ("# a comment\n\n", "# a comment", False, False),
        ("\\#keep", "#keep", False, True),
        ("*.log\n!keep.log", "keep.log", False, False),  # the last match wins
        ("!keep.log\n*.log", "keep.log", False, True),
        ("secret.txt   ", "secret.txt", False, True),  # trailing spaces do not count
    ],
)
def test_patterns_follow_gits_ignore_rules(
    patterns: str, path: str, is_dir: bool, expected: bool
) -> None:
    assert leaves_out(patterns, path, is_dir=is_dir) is expected


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_directory_listing_honours_gitignore_and_containrignore_in_every_directory(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "node_modules/\n*.log\n.env\n",
            ".containrignore": "docs/\n!important.log\n",
            "Dockerfile": "FROM x\n",
            "app.py": "print()\n",
            "debug.log": "x",
            "important.log": "x",
            ".env": "SECRET=1",
            "node_modules/pkg/index.js": "x",
            "docs/guide.md": "x",
            "src/.gitignore": "generated.py\n",
            "src/generated.py": "x",
            "src/main.py": "x",
            "other/generated.py": "x",
            ".git/config": "x",
            ".containr-link.json": "{}",
        },
    )
    listing = list_directory(tmp_path).entries
    assert set(listing) == {
        ".containrignore",
        ".gitignore",
        "Dockerfile",
        "app.py",
        "important.log",
        "other",
        "other/generated.py",
        "src",
        "src/.gitignore",
        "src/main.py",
    }


def test_nothing_inside_an_ignored_directory_comes_back(tmp_path: Path) -> None:
    write(tmp_path, {".containrignore": "build/\n!build/keep.txt\n", "build/keep.txt": "x"})
    assert list_directory(tmp_path).entries == [".containrignore"]


def test_a_link_out_of_the_directory_is_refused_before_the_upload(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "x"})
    os.symlink("/etc/passwd", tmp_path / "passwd")
    with pytest.raises(PackError, match="outside the directory"):
        list_directory(tmp_path)
    (tmp_path / "passwd").unlink()
    os.symlink("../../elsewhere", tmp_path / "up")
    with pytest.raises(PackError, match=r"\.containrignore"):
        list_directory(tmp_path)


def test_a_link_inside_the_directory_is_uploaded_as_a_link(tmp_path: Path) -> None:
    write(tmp_path, {"www/index.html": "hi"})
    os.symlink("www/index.html", tmp_path / "index.html")
    packed = pack(tmp_path, tmp_path.parent / "out.tar.gz")
    with tarfile.open(packed.path) as tar:
        link = tar.getmember("index.html")
    assert link.issym() and link.linkname == "www/index.html"


def test_pipes_are_left_out_and_reported(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "x"})
    os.mkfifo(tmp_path / "pipe")
    listing = list_directory(tmp_path)
    assert listing.entries == ["app.py"] and listing.skipped == ["pipe"]


def test_the_same_files_pack_to_the_same_archive(tmp_path: Path) -> None:
    write(tmp_path / "a", {"Dockerfile": "FROM x\n", "www/index.html": "hello\n"})
    first = pack(tmp_path / "a", tmp_path / "1.tar.gz")
    os.utime(tmp_path / "a" / "www" / "index.html", (1, 1))  # touched, not changed
    second = pack(tmp_path / "a", tmp_path / "2.tar.gz")
    assert first.digest == second.digest and first.files == 2
    (tmp_path / "a" / "www" / "index.html").write_text("changed\n")
    assert pack(tmp_path / "a", tmp_path / "3.tar.gz").digest != first.digest


def test_an_archive_keeps_the_executable_bit_and_no_owner(tmp_path: Path) -> None:
    write(tmp_path / "a", {"run.sh": "#!/bin/sh\n", "data.txt": "x"})
    (tmp_path / "a" / "run.sh").chmod(0o700)
    packed = pack(tmp_path / "a", tmp_path / "out.tar.gz")
    with tarfile.open(packed.path) as tar:
        run, data = tar.getmember("run.sh"), tar.getmember("data.txt")
    assert (run.mode, data.mode) == (0o755, 0o644)
    assert run.uid == 0 and run.uname == "" and run.mtime == data.mtime
