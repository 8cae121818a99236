-- Every file the manifest lists, for the inventory of the folder (SPEC 2).
SELECT fileID, flags
FROM Files
