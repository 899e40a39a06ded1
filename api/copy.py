"""User-facing gateway texts, Danish first and English second."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "bot_unavailable": {
        "da": "Botten svarer ikke lige nu. Du kan stadig skrive, og du kan tale med en person.",
        "en": "The bot is not answering right now. You can still write, and you can talk to a person.",
    },
    "talk_to_person": {"da": "Tal med en person", "en": "Talk to a person"},
    "concern_offer": {
        "da": "Det lyder svært. Vil du tale med en rådgiver? Du kommer foran i køen.",
        "en": "That sounds hard. Would you like to talk to a counsellor? You will be moved ahead in the queue.",
    },
    "queued": {
        "da": "Du er i kø til en rådgiver. Du kan skrive imens, så læser rådgiveren det.",
        "en": "You are in the queue for a counsellor. You can keep writing, and the counsellor will read it.",
    },
    "queue_position": {"da": "Du er nummer {position} i køen.", "en": "You are number {position} in the queue."},
    "leave_queue": {"da": "Forlad køen", "en": "Leave the queue"},
    "back_to_bot": {"da": "Tilbage til botten", "en": "Back to the bot"},
    "left_queue": {
        "da": "Du har forladt køen. Botten svarer dig igen.",
        "en": "You have left the queue. The bot will answer you again.",
    },
    "counsellor_joined": {
        "da": "En rådgiver har taget din samtale. Hej! Du skriver nu med et menneske.",
        "en": "A counsellor has picked up your chat. Hi! You are now talking to a person.",
    },
    "counsellor_left": {
        "da": "Rådgiveren har afsluttet samtalen. Botten kan svare dig igen, og du kan altid bede om en person.",
        "en": "The counsellor has ended the chat. The bot can answer you again, and you can always ask for a person.",
    },
    "released": {
        "da": "Du er tilbage i køen på din gamle plads. En anden rådgiver tager over.",
        "en": "You are back in the queue in your old place. Another counsellor will take over.",
    },
    "closed_hours": {
        "da": "Rådgiverne er her ikke lige nu. Vi åbner igen {opening}. Har du brug for hjælp nu, så ring til {child_line}. Er du i fare, så ring 112.",
        "en": "The counsellors are not here right now. We open again {opening}. If you need help now, call {child_line}. If you are in danger, call 112.",
    },
    "storage_down": {
        "da": "Vi kan ikke gemme din besked lige nu. Prøv igen om et øjeblik.",
        "en": "We can't save your message right now. Please try again in a moment.",
    },
    "feedback_thanks": {"da": "Tak for din feedback!", "en": "Thanks for your feedback!"},
    # The second safety message to an urgent young person still waiting (api/services/escalation.py);
    # the numbers come from knowledge/helplines.yml.
    "still_waiting": {
        "da": "Vi leder stadig efter en rådgiver til dig. Er du i fare lige nu, så ring {emergency}.",
        "en": "We are still finding a counsellor for you. If you are in danger right now, call {emergency}.",
    },
    "still_waiting_helpline": {
        "da": "Du kan også ringe til {name} på {phone}, døgnet rundt.",
        "en": "You can also call {name} on {phone}, day and night.",
    },
    # The widget's privacy note on emergency details (api/services/emergency.py); the widget (frame.js) shows the same
    # text as intro5 (tests/unit/test_emergency_vault.py checks they agree).
    "emergency_details_note": {
        "da": "Er du i fare og skriver en adresse eller et telefonnummer, gemmer vi det krypteret i højst 24 timer, så din rådgiver kan sende hjælp. Kun din rådgiver kan se det, og det bliver slettet, når samtalen slutter.",
        "en": "If you are in danger and write an address or phone number, we keep it encrypted for at most 24 hours so your counsellor can send help. Only your counsellor can see it, and it is deleted when the chat ends.",
    },
    "while_waiting": {
        "da": "Mens du venter, kan du læse her:",
        "en": "While you wait, you can read this:",
    },
    # The direct safety question (api/services/safety_question.py); the same words as bot/domain/safety.yml.
    "safety_question_suicide": {
        "da": "Tak fordi du fortæller mig det 💛 Jeg vil gerne spørge dig direkte, for mange, der har det sådan, får tanken: Tænker du på at tage dit eget liv?",
        "en": "Thank you for telling me 💛 I'd like to ask you directly, because many people who feel like this have the thought: are you thinking about ending your life?",
    },
    "safety_question_danger": {
        "da": "Tak fordi du fortæller mig det 💛 Jeg vil spørge dig helt direkte, fordi det er vigtigt: Er du i fare lige nu?",
        "en": "Thank you for telling me 💛 I want to ask you straight out, because it matters: are you in danger right now?",
    },
    "safety_answer_yes": {"da": "Ja", "en": "Yes"},
    "safety_answer_no": {"da": "Nej", "en": "No"},
    "safety_answer_unsure": {"da": "Ved ikke", "en": "I don't know"},
    "safety_reply_no": {
        "da": "Tak fordi du svarer ærligt 💛 Det er godt at høre. Fortæl gerne mere om, hvordan du har det – jeg er her. Du kan også tale med en rådgiver, og du kommer foran i køen.",
        "en": "Thank you for answering honestly 💛 I'm glad to hear that. Tell me more about how you're doing if you like – I'm here. You can also talk to a counsellor, and you'll be moved ahead in the queue.",
    },
    "safety_reply_other": {
        "da": "Tak fordi du svarer 💛 Hvis du får tanker om at gøre dig selv noget, eller er i fare, så skriv det bare – så får du en rådgiver med det samme. Du kan også tale med en rådgiver nu, og du kommer foran i køen.",
        "en": "Thank you for answering 💛 If you have thoughts of hurting yourself, or you're in danger, just write it – then you'll get a counsellor straight away. You can also talk to a counsellor now, and you'll be moved ahead in the queue.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    variants = TEXTS[key]
    template = variants.get(lang) or variants["da"]
    return template.format(**values) if values else template
