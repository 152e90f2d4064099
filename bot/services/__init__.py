"""The branch's rules. Plain Python in, plain data out: no Telegram types here, so the
handlers, the jobs and the command line all call the same functions."""
