"""Button titles and questions per knowledge topic (ids from the taxonomy), in Danish and English.

A button's payload is a question the young person could have asked; sending it runs the normal
NLU and knowledge search. Questions about hard topics are phrased in general terms, so that pressing
a button never reads as a personal risk statement.
"""

from __future__ import annotations

from typing import NamedTuple

from actions.language import Lang


class TopicPrompt(NamedTuple):
    title: str
    question: str


TOPIC_PROMPTS: dict[str, dict[Lang, TopicPrompt]] = {
    "cyberbullying": {
        "da": TopicPrompt("Digital mobning", "Hvad kan jeg gøre, hvis jeg bliver mobbet på nettet?"),
        "en": TopicPrompt("Cyberbullying", "What can I do if I'm bullied online?"),
    },
    "nude-images": {
        "da": TopicPrompt("Nøgenbilleder", "Hvad gør man, hvis et nøgenbillede bliver delt?"),
        "en": TopicPrompt("Nude images", "What can you do if a nude gets shared?"),
    },
    "sextortion": {
        "da": TopicPrompt("Afpresning med billeder", "Hvad gør man, hvis nogen afpresser en med billeder?"),
        "en": TopicPrompt("Sextortion", "What can you do if someone blackmails you with pictures?"),
    },
    "grooming": {
        "da": TopicPrompt("Grooming", "Hvad er grooming, og hvordan opdager man det?"),
        "en": TopicPrompt("Grooming", "What is grooming and how do you spot it?"),
    },
    "online-hate": {
        "da": TopicPrompt("Had på nettet", "Hvad kan man gøre ved had på nettet?"),
        "en": TopicPrompt("Online hate", "What can you do about hate online?"),
    },
    "social-media-pressure": {
        "da": TopicPrompt("Pres på sociale medier", "Hvordan håndterer jeg presset på sociale medier?"),
        "en": TopicPrompt("Social media pressure", "How do I deal with pressure on social media?"),
    },
    "screen-time": {
        "da": TopicPrompt("Skærmtid", "Hvordan bruger jeg mindre tid på min telefon?"),
        "en": TopicPrompt("Screen time", "How do I spend less time on my phone?"),
    },
    "sleep": {
        "da": TopicPrompt("Søvn", "Hvad kan jeg gøre, når jeg ikke kan sove?"),
        "en": TopicPrompt("Sleep", "What can I do when I can't sleep?"),
    },
    "gaming": {
        "da": TopicPrompt("Gaming", "Hvad gør jeg, hvis gaming fylder for meget?"),
        "en": TopicPrompt("Gaming", "What if gaming takes up too much of my time?"),
    },
    "privacy-security": {
        "da": TopicPrompt("Privatliv og sikkerhed", "Hvad gør jeg, hvis min profil er blevet hacket?"),
        "en": TopicPrompt("Privacy and security", "What do I do if my account got hacked?"),
    },
    "scams": {
        "da": TopicPrompt("Svindel", "Hvad gør jeg, hvis jeg er blevet snydt på nettet?"),
        "en": TopicPrompt("Scams", "What do I do if I got scammed online?"),
    },
    "porn": {
        "da": TopicPrompt("Porno", "Jeg har nogle spørgsmål om porno."),
        "en": TopicPrompt("Porn", "I have some questions about porn."),
    },
    "online-relationships": {
        "da": TopicPrompt("Venner og kærester online", "Er det sikkert at mødes med en, man har mødt på nettet?"),
        "en": TopicPrompt("Online friends and relationships", "Is it safe to meet someone you met online?"),
    },
    "loneliness": {
        "da": TopicPrompt("Ensomhed", "Hvad kan man gøre, når man føler sig ensom?"),
        "en": TopicPrompt("Loneliness", "What can you do when you feel lonely?"),
    },
    "stress-anxiety": {
        "da": TopicPrompt("Stress og angst", "Hvad kan man gøre ved stress og angst?"),
        "en": TopicPrompt("Stress and anxiety", "What can you do about stress and anxiety?"),
    },
    "self-harm": {
        "da": TopicPrompt("Selvskade", "Hvad er selvskade, og hvor kan man få hjælp?"),
        "en": TopicPrompt("Self-harm", "What is self-harm and where can you get help?"),
    },
    "suicidal-thoughts": {
        "da": TopicPrompt("Selvmordstanker", "Hvor kan man få hjælp, hvis man har tanker om selvmord?"),
        "en": TopicPrompt("Suicidal thoughts", "Where can you get help if you have thoughts about suicide?"),
    },
    "body-eating": {
        "da": TopicPrompt("Krop og spisning", "Hvad kan man gøre, hvis mad og krop fylder meget?"),
        "en": TopicPrompt("Body and eating", "What can you do if food and your body fill your thoughts?"),
    },
    "family": {
        "da": TopicPrompt("Familie", "Hvad kan man gøre ved konflikter derhjemme?"),
        "en": TopicPrompt("Family", "What can you do about conflicts at home?"),
    },
    "violence-abuse": {
        "da": TopicPrompt("Vold og overgreb", "Hvad er vold og overgreb, og hvor kan man få hjælp?"),
        "en": TopicPrompt("Violence and abuse", "What counts as violence or abuse, and where can you get help?"),
    },
    "harmful-content": {
        "da": TopicPrompt("Ubehageligt indhold", "Hvad gør man, hvis man har set noget ubehageligt på nettet?"),
        "en": TopicPrompt("Harmful content", "What can you do if you saw something disturbing online?"),
    },
    "about-lyt": {
        "da": TopicPrompt("Om Lyt", "Hvem læser mine beskeder?"),
        "en": TopicPrompt("About Lyt", "Who reads my messages?"),
    },
}


def topic_buttons(topics: list[str], lang: Lang, limit: int = 3) -> list[dict[str, str]]:
    """Buttons for the first `limit` distinct known topics, in order."""
    buttons: list[dict[str, str]] = []
    seen: set[str] = set()
    for topic in topics:
        prompt = TOPIC_PROMPTS.get(topic, {}).get(lang)
        if prompt is None or topic in seen:
            continue
        seen.add(topic)
        buttons.append({"title": prompt.title, "payload": prompt.question})
        if len(buttons) == limit:
            break
    return buttons
