/*
 * basetyps.h: the macros COM interface declarations are written with, in C and C++.
 *
 * In C++ an interface is a struct of pure virtual methods; in C it is a struct holding a
 * pointer to a table of function pointers whose first argument is the object (This).
 * Generated object-interface headers use BEGIN_INTERFACE, END_INTERFACE, STDMETHODCALLTYPE,
 * CONST_VTBL and MIDL_INTERFACE; hand-written ones use DECLARE_INTERFACE, STDMETHOD and THIS.
 */
#ifndef _BASETYPS_H_
#define _BASETYPS_H_

#include "winnt.h"
#include "guiddef.h"

#define STDMETHODCALLTYPE __stdcall
#define STDMETHODVCALLTYPE __cdecl
#define STDAPICALLTYPE __stdcall
#define STDAPIVCALLTYPE __cdecl

#define STDAPI EXTERN_C HRESULT STDAPICALLTYPE
#define STDAPI_(type) EXTERN_C type STDAPICALLTYPE
#define STDMETHODIMP HRESULT STDMETHODCALLTYPE
#define STDMETHODIMP_(type) type STDMETHODCALLTYPE
#define STDAPIV EXTERN_C HRESULT STDAPIVCALLTYPE
#define STDAPIV_(type) EXTERN_C type STDAPIVCALLTYPE

#ifndef interface
#define interface struct
#endif
#define __STRUCT__ struct

#ifndef BEGIN_INTERFACE
#define BEGIN_INTERFACE
#define END_INTERFACE
#endif

#if defined(__cplusplus) && !defined(CINTERFACE)

#define STDMETHOD(method) virtual HRESULT STDMETHODCALLTYPE method
#define STDMETHOD_(type, method) virtual type STDMETHODCALLTYPE method
#define STDMETHODV(method) virtual HRESULT STDMETHODVCALLTYPE method
#define STDMETHODV_(type, method) virtual type STDMETHODVCALLTYPE method
#define PURE = 0
#define THIS_
#define THIS void
#define DECLARE_INTERFACE(iface) interface DECLSPEC_NOVTABLE iface
#define DECLARE_INTERFACE_(iface, baseiface) interface DECLSPEC_NOVTABLE iface : public baseiface
#define CONST_VTBL

#else

#define STDMETHOD(method) HRESULT (STDMETHODCALLTYPE *method)
#define STDMETHOD_(type, method) type (STDMETHODCALLTYPE *method)
#define STDMETHODV(method) HRESULT (STDMETHODVCALLTYPE *method)
#define STDMETHODV_(type, method) type (STDMETHODVCALLTYPE *method)
#define PURE
#define THIS_ INTERFACE *This,
#define THIS INTERFACE *This
#ifdef CONST_VTABLE
#define CONST_VTBL const
#define DECLARE_INTERFACE(iface)                                  \
    typedef interface iface { const struct iface##Vtbl *lpVtbl; } iface; \
    typedef const struct iface##Vtbl iface##Vtbl;                 \
    const struct iface##Vtbl
#else
#define CONST_VTBL
#define DECLARE_INTERFACE(iface)                                  \
    typedef interface iface { struct iface##Vtbl *lpVtbl; } iface; \
    typedef struct iface##Vtbl iface##Vtbl;                       \
    struct iface##Vtbl
#endif
#define DECLARE_INTERFACE_(iface, baseiface) DECLARE_INTERFACE(iface)

#endif

/* The struct a C++ interface declaration opens with (MIDL output: MIDL_INTERFACE("uuid") IFoo : public IUnknown). */
#ifndef MIDL_INTERFACE
#define MIDL_INTERFACE(x) struct DECLSPEC_UUID(x) DECLSPEC_NOVTABLE
#endif

#define IFACEMETHOD(method) STDMETHOD(method)
#define IFACEMETHOD_(type, method) STDMETHOD_(type, method)
#define IFACEMETHODIMP STDMETHODIMP
#define IFACEMETHODIMP_(type) STDMETHODIMP_(type)

#endif /* _BASETYPS_H_ */
