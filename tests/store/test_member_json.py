"""The hand-joined JSON of list and dict columns is exactly what json.dumps writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from branchdesk.store.members import _dict_json, _list_json


@given(st.lists(st.text()))
def test_list_json_equals_json_dumps(words):
    assert _list_json(words) == json.dumps(words, ensure_ascii=False)


@given(st.dictionaries(st.text(), st.text()))
def test_dict_json_equals_json_dumps(values):
    assert _dict_json(values) == json.dumps(values, ensure_ascii=False)
