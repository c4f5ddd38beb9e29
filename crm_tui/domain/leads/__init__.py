"""The lead workflow (issue 22): requests from every channel, routed, answered on time, converted."""
