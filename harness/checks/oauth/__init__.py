"""Monday OAuth checks (``--oauth-test``): ``usage`` (token, scopes, bearer calls, 429, refresh), judged on one
end-to-end ``flow`` through what ``view`` can see of Monday (the emulator's call log and board, or real Monday's board).
"""
