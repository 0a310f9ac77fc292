from django import template

from dashboards import evidence

register = template.Library()

register.filter("evidence_url", evidence.evidence_url)
register.filter("ofsted_url", evidence.ofsted_provider_url)
register.filter("file_kind", evidence.file_kind)
