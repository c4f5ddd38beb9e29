"""Bank statements in: the client-bank exchange file (1CClientBankExchange) every Russian bank
and 1C produce, its incoming payments matched to our invoices."""
