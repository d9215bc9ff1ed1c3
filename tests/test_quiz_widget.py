"""widgets.Quiz from Python: selection, seeds, responses and score, site data, and the
Markdown directive's page output (bank text can never end its script tag)."""

from __future__ import annotations

import json

import pytest

from widgets import Quiz, quizbank


def test_chapter_selection_and_ids():
    q = Quiz(bank="variants", chapter="wisn")
    assert {it["chapter"] for it in q.items} == {"wisn"}
    assert q.item_ids == [it["id"] for it in q.items]
    assert q.score == {"answered": 0, "correct": 0, "total": len(q.items)}


def test_seeded_draw_is_stable_and_depends_on_seed():
    a = Quiz(bank="all", n=12, seed=7)
    b = Quiz(bank="all", n=12, seed=7)
    c = Quiz(bank="all", n=12, seed=8)
    assert a.item_ids == b.item_ids and a.quiz_id == b.quiz_id
    assert a.item_ids != c.item_ids and a.quiz_id != c.quiz_id
    assert len(set(a.item_ids)) == 12


def test_responses_and_score_follow_the_answers_trait():
    q = Quiz(bank="differential", items=["dd-scrotal", "dd-myeloma", "dd-transplant"])
    q.answers = {
        "dd-scrotal": {"choice": 3, "correct": True},
        "dd-transplant": {"choice": 1, "correct": False},
    }
    assert q.score == {"answered": 2, "correct": 1, "total": 3}
    assert [r["item"] for r in q.responses] == ["dd-scrotal", "dd-transplant"]
    assert q.responses[1]["correct"] is False and q.responses[0]["chapter"] == "differential"


def test_site_data_recomputes_bank_json_from_the_page_state():
    q = Quiz(bank="foundations", chapter="calcium")
    state = {"item_ids": q.item_ids}
    assert Quiz._site_data(state) == {"bank_json": q.bank_json}
    assert Quiz._site_data_traits == ("bank_json",)


def test_bad_arguments_give_clear_errors():
    with pytest.raises(ValueError, match="unknown bank 'nope'"):
        Quiz(bank="nope")
    with pytest.raises(ValueError, match="unknown item id"):
        Quiz(bank="differential", items=["no-such-item"])
    with pytest.raises(ValueError, match="no items"):
        Quiz(bank="variants", chapter="calcium")


def test_only_cited_references_travel_with_the_quiz():
    q = Quiz(bank="variants", chapter="idiopathic")
    cited = {k for it in q.items for o in it["options"] for k in o["cite"]}
    assert set(q.ref_labels) <= cited and q.ref_labels


def test_directive_html_cannot_be_broken_out_of(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))
    from quiz_directive import widget_html

    q = Quiz(bank="differential", items=["dd-scrotal"])
    items = q.items
    items[0]["stem"] = "</script><script>alert(1)</script><img src=x onerror=alert(1)>"
    q.bank_json = quizbank.dumps({"items": items})
    html = widget_html(q)
    assert html.count("<script") == 2 and html.count("</script>") == 2
    state_json = html.split('widget-state+json">', 1)[1].rsplit("</script>", 1)[0]
    state = json.loads(state_json)["state"][q.model_id]["state"]
    assert "</script><script>" in json.loads(state["bank_json"])["items"][0]["stem"]


def _stored_quizzes():
    from pathlib import Path

    import nbformat

    for path in sorted((Path(__file__).resolve().parent.parent / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for m in (
            nb.metadata.get("widgets", {})
            .get("application/vnd.jupyter.widget-state+json", {})
            .get("state", {})
            .values()
        ):
            if m["state"].get("_anywidget_id") == "widgets.quiz.Quiz":
                yield path.name, m["state"]


def test_stored_quiz_state_in_notebooks_is_current():
    stored = list(_stored_quizzes())
    assert len(stored) >= 9  # 8 chapters' Test yourself + the self-assessment chapter's two
    for name, state in stored:
        if "_esm" in state:  # (once the site supplies modules, notebooks no longer store them)
            assert state["_esm"] == Quiz._esm, f"{name}: stored quiz front-end is stale; run make execute"
            assert state["_css"] == Quiz._css, f"{name}: stored quiz CSS is stale; run make execute"
        if "bank_json" in state:
            assert Quiz._site_data(state)["bank_json"] == state["bank_json"], (
                f"{name}: stored bank is stale; run make execute"
            )


def test_course_record_pages_carry_every_item_and_their_mode():
    from widgets.quiz import CourseRecord

    review = CourseRecord(mode="review")
    progress = CourseRecord(mode="progress")
    every = sum(len(quizbank.bank(b.stem)["items"]) for b in quizbank.bank_files())
    assert len(review.item_ids) == len(progress.item_ids) == every
    assert review.mode == "review" and progress.mode == "progress"
    assert progress.case_titles and progress.chapter_titles["wisn"].startswith("Warfarin")
    with pytest.raises(ValueError, match="unknown mode"):
        CourseRecord(mode="quiz")
    # the notebooks' stored Quiz state stays current: no new trait on Quiz
    assert "mode" not in Quiz(bank="variants", chapter="wisn").get_state()


def test_mixed_set_keeps_its_promise_and_does_not_repeat_the_page():
    from collections import Counter

    q = Quiz(bank=["foundations", "variants", "practice"], n=12, seed=7, mix=True)
    types = Counter(it["type"] for it in q.items)
    assert len(q.items) == 12 and len(set(q.item_ids)) == 12
    assert types["numeric"] >= 3 and types["matching"] >= 2 and types["multiple"] >= 2
    assert not any(it["bank"] == "differential" for it in q.items)  # the page above shows those
    assert Quiz(bank=["foundations", "variants", "practice"], n=12, seed=7, mix=True).item_ids == q.item_ids
