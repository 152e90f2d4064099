"""Every refusal a service can give, as a typed key.

A service raises `ServiceError(Problem.X, **values)` (or one of its feature subclasses);
the handler shows `texts.explain(exc)`. The type checker sees each key, and
tests/test_texts.py fails when a problem has no text in `texts.PROBLEMS`."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Problem(StrEnum):
    NOT_ALLOWED = "not_allowed"
    CARE_NOT_ALLOWED = "care_not_allowed"
    FLAG_UNKNOWN = "flag_unknown"
    DEATH_IN_FUTURE = "death_in_future"
    VISIT_BAD_KIND = "visit_bad_kind"
    VISIT_IN_FUTURE = "visit_in_future"
    VISIT_NO_PEOPLE = "visit_no_people"
    TASK_GONE = "task_gone"
    HELP_BAD_KIND = "help_bad_kind"
    COLLECT_USAGE = "collect_usage"
    COLLECT_BAD_AUDIENCE = "collect_bad_audience"
    COLLECT_BAD_DEADLINE = "collect_bad_deadline"
    COLLECT_BAD_NUMBER = "collect_bad_number"
    COLLECT_CLOSED = "collect_closed"
    COLLECT_NOT_EXPECTED = "collect_not_expected"
    DUES_USAGE = "dues_usage"
    DUES_BAD_AMOUNT = "dues_bad_amount"
    DUES_ZERO_AMOUNT = "dues_zero_amount"
    DUES_BAD_MONTHS = "dues_bad_months"
    DUES_NOT_ALLOWED = "dues_not_allowed"
    DUES_NOT_MEMBER = "dues_not_member"
    MEETING_USAGE = "meeting_usage"
    MEETING_BAD_KIND = "meeting_bad_kind"      # values: kind
    MEETING_NEED_GROUP = "meeting_need_group"
    MEETING_IN_PAST = "meeting_in_past"
    MEETING_NOT_ALLOWED = "meeting_not_allowed"
    DATE_UNREADABLE = "date_unreadable"        # values: text
    DATE_PAST = "date_past"                    # values: month, day
    TIME_UNREADABLE = "time_unreadable"        # values: text
    TIME_INVALID = "time_invalid"              # values: text
    SURVEY_USAGE = "survey_usage"
    NOT_LINKED = "not_linked"
    STALE = "stale"                            # the record a button named is gone
    SUGGEST_USAGE = "suggest_usage"
    DEED_USAGE = "deed_usage"
    DEED_NOT_ALLOWED = "deed_not_allowed"
    SURVEY_NONE_OPEN = "survey_none_open"
    SURVEY_ALREADY_IN = "survey_already_in"    # values: name
    APPRAISAL_TOO_FEW = "appraisal_too_few"    # values: minimum
    APPRAISAL_NOT_PARTY = "appraisal_not_party"  # values: name
    QUIZ_NONE_YET = "quiz_none_yet"
    QUIZ_BAD_SCORE = "quiz_bad_score"          # values: total
    QUIZ_ALREADY_TAKEN = "quiz_already_taken"  # values: name
    ROSTER_EDIT_USAGE = "roster_edit_usage"
    ROSTER_ADD_USAGE = "roster_add_usage"
    ROSTER_NOT_ALLOWED = "roster_not_allowed"
    ROSTER_BAD_PHONE = "roster_bad_phone"          # values: value
    ROSTER_BAD_WORD = "roster_bad_word"            # values: value, options
    ROSTER_ID_TAKEN = "roster_id_taken"            # values: ext_id
    ROSTER_GROUP_UNKNOWN = "roster_group_unknown"  # values: group


class ServiceError(Exception):
    """A request a service cannot do; `problem` says which, `values` fill its text."""

    def __init__(self, problem: Problem, **values: Any) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.values = values
