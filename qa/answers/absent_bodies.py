"""Bodies a question asks the words of that no declaration of the library is of.

"What did the African Union say about Sudan?" asked of a library without an African Union
text was answered from a General Assembly resolution that mentions the Sudan, and the answer
read as the African Union's words. A question whose subject, before a verb of saying or
deciding, is a body (an acronym such as "ECOWAS", or capitalised words holding a word for a body:
"the Security Council", "the Organization of American States") that is none of the library's
issuers and stands in no title or opening of a declaration whose title names who speaks (a joint
statement's "United States-France Joint Statement"; not a resolution's, whose title names its
subject: "Cooperation between the United Nations and the African Union") is asked of a text the
library lacks. ``Library.ask`` then answers nothing and says so; the nearest passages stay for
reference.

A person's or a country's name is left to the speakers' narrowing (qa.answers.narrowing): "What
did Germany say …" of a library holding G7 communiqués that Germany agreed to is not refused.

Example:
    >>> unheld_bodies("What did the African Union say about Sudan?", declarations)
    ('the African Union',)
    >>> unheld_bodies("What did NATO say about Georgia?", declarations)   # an issuer it holds
    ()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from qa.answers.narrowing import OPENING, SPOKE, spelled_out, subject_before
from qa.documents import Declaration
from qa.ingest.kinds import TITLED_BY_SUBJECT
from qa.search.filters import PARTY_NAMES, issuers, keeps_case, parties, party_key, short_names

#: A body's verbs beside the speakers' (qa.answers.narrowing.SPOKE): "What did the Security Council
#: decide …", "Did the OSCE condemn …".
_DECIDED = (r"(?:says|agrees|decide|decided|decides|condemn|condemned|adopt|adopted|call|called|urge|urged|demand|"
            r"demanded|recommend|recommended|resolve|resolved|endorse|endorsed|propose|proposed|conclude|concluded|"
            r"write|wrote|sign|signed)")
_SUBJECT = subject_before(rf"(?:{SPOKE}|{_DECIDED})")
#: Words that make capitalised words a body's name ("the African Union", "the Group of 77").
BODY_NOUNS = frozenset("Union Council Assembly Organization Organisation League Commission Community Conference "
                       "Bank Fund Forum Group Movement Alliance Parliament Congress Court Committee Agency "
                       "Secretariat Association Federation Tribunal Senate Bloc Coalition".split())
# An acronym or a G-number ("AU", "ECOWAS", "G77", "G-20"), or capitalised words in a row with
# small words between them ("Organization of American States").
_ACRONYM = r"(?<![\w.-])(?:[A-Z]{2,}[0-9]*|G-?\d{1,2})(?![\w-])"
# "and" ends a name: "the Arab League and the AU" are two.
_RUN = r"[A-Z][\w'’-]*(?:\s+(?:(?:of|the|for|on|in)\s+)*[A-Z][\w'’-]*)+"
_BODY = re.compile(rf"(?:\b(?i:the)\s+)?(?P<name>{_RUN}|{_ACRONYM})")
#: What else a subject naming bodies may hold: "the AU leaders", "the African Union summit", "the
#: Arab League and the AU".
_ALSO_SAID = frozenset("the and its their leaders leader heads head of state states government governments ministers "
                       "minister foreign members member summit communiqué communique declaration statement resolution "
                       "resolutions statements declarations communiqués delegates representatives secretary general "
                       "secretary-general chair chairs presidency".split())


def unheld_bodies(question: str, declarations: Sequence[Declaration],
                  aliases: Callable[[], Mapping[str, Sequence[str]]] | None = None) -> tuple[str, ...]:
    """The bodies (as the question writes them, "the African Union") that the question asks the
    words of and that no declaration is of; () when it names none, or every one it names is held.

    The subject is read before a verb of saying or deciding (:data:`_DECIDED`); it must be bodies and
    nothing else but words for who speaks (:data:`_ALSO_SAID`), so "What did the Security Council
    resolutions on Haiti say" or "What did the signers pledge" name none. ``aliases`` are the long
    names the library's texts define for its issuers (qa.answers.narrowing.issuer_aliases), read
    only for a question that names a body.
    """
    match = _SUBJECT.match(question)
    if match is None:
        return ()
    subject = re.split(r"['’]s\b", match.group("subject"))[0]
    bodies = [found for found in _BODY.finditer(subject) if _is_body(found.group("name"))]
    rest = _BODY.sub(" ", subject) if bodies else subject
    if not bodies or any(word.casefold() not in _ALSO_SAID for word in re.findall(r"[\w-]+", rest)):
        return ()
    defined = {} if aliases is None else aliases()
    return tuple(dict.fromkeys(found.group().strip() for found in bodies
                               if not _held(found.group("name"), declarations, defined)))


def _is_body(name: str) -> bool:
    """An acronym, a G-number, or capitalised words holding a word for a body (:data:`BODY_NOUNS`)."""
    return re.fullmatch(_ACRONYM, name) is not None or any(word in BODY_NOUNS for word in name.split())


def _held(name: str, declarations: Sequence[Declaration], aliases: Mapping[str, Sequence[str]]) -> bool:
    """Whether some declaration may be of the body ``name``: one of the library's issuers (or
    their parties, short names and the long names the texts define for them) is it; or it stands
    in the title or the opening (qa.answers.narrowing.OPENING paragraphs) of a declaration whose
    issuer is not known and whose title names who speaks (a joint statement's "The United States
    … and Senegal as African Union Chair, are pleased to announce …"); or, an acronym, it is a
    place's or a title's initials ("the LA declaration": Los Angeles)."""
    spellings = {name, *PARTY_NAMES.get(party_key(name), ())}
    wanted = re.compile(r"(?<!\w)(?:" + "|".join((f"(?-i:{re.escape(s)})" if keeps_case(s) else re.escape(s))
                                                  for s in sorted(spellings, key=len, reverse=True))
                        + r")(?!\w)", re.IGNORECASE)
    keys = {party_key(s) for s in spellings}
    for issuer in issuers(declarations):
        names = [issuer, *parties(issuer), *short_names(issuer), *aliases.get(issuer, ())]
        if any(party_key(n) in keys for n in names) or wanted.search(issuer):
            return True
    if keeps_case(name) and any(name in spelled_out(text) for d in declarations for text in (d.title, d.place)):
        return True
    return any(wanted.search(text) for d in declarations if not d.issuer and d.kind not in TITLED_BY_SUBJECT
               for text in (d.title, *(p.text for p in d.paragraphs[:OPENING])))
