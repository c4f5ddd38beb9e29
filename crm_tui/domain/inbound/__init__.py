"""What comes in by itself: the receiver's sources, web forms, messengers and mailboxes."""
