"""Reports for heads of sales: the funnel, conversion, forecast."""
