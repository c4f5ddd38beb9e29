"""What comes in by itself: telephony (call records and PBX events), mail, forms, messengers."""
