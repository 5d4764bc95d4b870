print("transferwatch")
