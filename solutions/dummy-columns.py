DUMMY_COLUMNS = ["NumRooms", "RoofType_Slate", "RoofType_nan"]
DUMMY_DTYPE = "bool"
N_COLUMNS_WITHOUT_NA = 2
