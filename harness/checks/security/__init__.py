"""Webhook security checks: who the webhook listens to, what it enqueues, and what it gives away.

``deliveries`` (refusals, the challenge, one message per delivery, replays), built on ``cases`` (the refusal
battery) and ``http`` (signed and forged requests, their answers and messages); ``size`` (oversized bodies),
``race`` (concurrent duplicates), ``fuzz`` (Hypothesis-generated requests), ``leaks`` (the secret never
echoed), ``timing`` and ``timing_stats`` (constant-time signature comparison, as a black box sees it).
"""
