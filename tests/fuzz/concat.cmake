# Joins two text files into one (script mode): cmake -DOUT=f -DFIRST=a -DSECOND=b -P concat.cmake.
# Makes the SQL seeds of fuzz_contacts: a contact book's reference DDL, then its rows.
file(READ "${FIRST}" first)
file(READ "${SECOND}" second)
file(WRITE "${OUT}" "${first}\n${second}")
