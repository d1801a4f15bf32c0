"""Personal data rights (UU 27/2022): each feature's personal data provider and "Data saya"."""
