"""Documents of a deal: our company's requisites, contract and invoice templates, the documents
made from a deal (numbered per year, kept in the base), and the payments of invoices."""
