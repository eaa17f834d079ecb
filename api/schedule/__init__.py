"""The installation's scheduled jobs, assembled at the top: the list and the commands that run it.

api.jobs is the machinery (job types, runner, scheduler, run history, the Körningar page) and knows no
domain; each domain's jobs.py holds its job function. `jobs.JOBS` lists them, and the app factory
(api.main) and the command line (`cli`: `lagesbild scheduler`, `jobs list | run`) pass it down.
"""
