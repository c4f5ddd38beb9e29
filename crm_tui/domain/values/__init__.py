"""One parser per kind of value: phones, e-mails, requisites, names, dates, amounts."""
