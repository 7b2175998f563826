"""The ground floor every stage reads: the council's validated config files and the deployment settings.

`settings.config` holds the config/*.yaml models; `settings.environment` the HABARI_* settings built on them.
"""
