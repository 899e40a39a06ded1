"""Rasa custom actions for Lyt (rasa-sdk action server, app venv).

Run with `python -m rasa_sdk --actions actions`. The only custom action is `action_answer_knowledge`
(actions/knowledge_answer.py); language helpers and chat copy live in actions/language.py and
topic buttons in actions/topics.py. Importing this package does no I/O.
"""
