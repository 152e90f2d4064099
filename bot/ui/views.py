"""Composing messages from records and catalog texts. Pure functions: data in, str out.

Shared by handlers, the demo and the command line so the same record always reads the
same way. Phone numbers and care flags are only added when the caller says the reader may
see them and the message goes to a private chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import texts
from bot.services import people as people_rules
from bot.services.access import Role
from bot.services.dates import parse_full_date, show_full_date
from storage.models import Group, Person


def spoken_phone(phone: str | None) -> str:
    """13812345678 -> 138 1234 5678, as it is read out; others as they are."""
    if not phone:
        return texts.NO_PHONE
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


def birthday(p: Person) -> str:
    if not p.birth_date:
        return texts.UNKNOWN
    lunar = people_rules.lunar_birthday(p)
    if lunar is not None:
        return texts.LUNAR_BIRTHDAY.format(year=lunar.year, date=lunar.chinese())
    return show_full_date(parse_full_date(p.birth_date))


def role_names(p: Person, led_groups: Sequence[Group]) -> str:
    names = [texts.ROLE_NAMES[r] for r in ("secretary", "committee", "liaison") if r in p.roles]
    if any(g.leader_id == p.id for g in led_groups):
        names.append(texts.ROLE_NAMES[Role.LEADER])
    return "、".join(names)


def person_details(
    p: Person, today: date, groups: Sequence[Group], *, private: bool, title: str | None = None
) -> str:
    lines = [title] if title else []
    lines.append(texts.ME_NAME.format(value=p.name))
    lines.append(texts.ME_GROUP.format(value=p.group_name or texts.NO_GROUP))
    lines.append(texts.ME_CATEGORY.format(value=texts.CATEGORY[p.category]))
    lines.append(texts.ME_STATUS.format(value=texts.PARTY_STATUS[p.status]))
    lines.append(texts.ME_BIRTHDAY.format(value=birthday(p)))
    years = people_rules.age(p, today)
    if years is not None:
        lines.append(texts.ME_AGE.format(value=years))
    if p.joined_party:
        lines.append(texts.ME_JOINED.format(value=show_full_date(parse_full_date(p.joined_party))))
    roles = role_names(p, groups)
    if roles:
        lines.append(texts.ME_ROLES.format(value=roles))
    if private:
        lines.append(texts.ME_PHONE.format(value=spoken_phone(p.phone)))
        lines.append(texts.ME_RESIDENCE.format(value=p.residence or texts.UNKNOWN))
    return "\n".join(lines)


def roster_entry(p: Person, today: date, groups: Sequence[Group], *, care: bool) -> str:
    """What staff see of one person (private chat only). Care flags, the key-target star
    (which betrays a flag) and notes only when `care`: the secretary or his own leader."""
    text = person_details(p, today, groups, private=True, title=f"#{p.ext_id}")
    extra = []
    if not p.alive:
        extra.append(texts.ROSTER_DECEASED.format(date=p.deceased_on))
    if care and p.care_flags:
        extra.append(texts.ROSTER_PERSON_FLAGS.format(
            value="、".join(texts.CARE_FLAG[f] for f in p.care_flags)))
    if care and p.alive and people_rules.is_key_target(p, today):
        extra.append(texts.ROSTER_KEY_TARGET)
    linked = texts.ROSTER_LINKED_YES if p.tg_user_id else texts.ROSTER_LINKED_NO
    extra.append(texts.ROSTER_PERSON_LINKED.format(value=linked))
    if care and p.family_name:
        extra.append(texts.FAMILY_CONTACT.format(
            name=p.family_name, relation=p.family_relation or texts.UNKNOWN,
            phone=spoken_phone(p.family_phone)))
    if care and p.notes:
        extra.append(p.notes)
    return "\n".join([text, *extra])


def service_card(
    me: Person, leader: Person | None, secretaries: Sequence[Person]
) -> str:
    lines = [texts.CARD_TITLE, texts.CARD_GROUP.format(group=me.group_name or texts.NO_GROUP)]
    if leader is not None:
        template = (texts.CARD_LEADER_IS_SECRETARY
                    if any(s.id == leader.id for s in secretaries) else texts.CARD_LEADER)
        lines.append(template.format(name=leader.name, phone=spoken_phone(leader.phone)))
    else:
        lines.append(texts.CARD_NO_LEADER)
    lines.extend(
        texts.CARD_SECRETARY.format(name=s.name, phone=spoken_phone(s.phone))
        for s in secretaries if leader is None or s.id != leader.id  # one line per person
    )
    lines.append(texts.CARD_FOOTER)
    return "\n".join(lines)


def contact_map(
    groups: Sequence[Group], people: Sequence[Person], *, with_phones: bool
) -> str:
    active = [p for p in people if p.active]
    if not active:
        return texts.MAP_EMPTY
    by_id = {p.id: p for p in people}
    lines = [texts.MAP_TITLE.format(total=len(active))]
    for g in groups:
        members = [p for p in active if p.group_id == g.id]
        leader = by_id.get(g.leader_id) if g.leader_id else None
        if leader is None:
            lines.append(texts.MAP_GROUP.format(group=g.name, leader=texts.MAP_NO_LEADER,
                                                count=len(members)))
        elif with_phones:
            lines.append(texts.MAP_GROUP_PHONE.format(group=g.name, leader=leader.name,
                                                      phone=spoken_phone(leader.phone),
                                                      count=len(members)))
        else:
            lines.append(texts.MAP_GROUP.format(group=g.name, leader=leader.name,
                                                count=len(members)))
        if members:
            lines.append(texts.MAP_MEMBERS.format(names="、".join(p.name for p in members)))
    unassigned = [p for p in active if p.group_id is None]
    if unassigned:
        lines.append(texts.MAP_UNASSIGNED.format(count=len(unassigned),
                                                 names="、".join(p.name for p in unassigned)))
    elif all(g.leader_id for g in groups):
        lines.append(texts.MAP_ALL_ASSIGNED)
    return "\n".join(lines)
